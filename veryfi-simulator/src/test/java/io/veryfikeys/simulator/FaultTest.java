package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultTest extends SimulatorTestBase {

    @Test
    void rateLimitAnswers429WithRetryAfterRoundedUpAndChangesNothing() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.rateLimit(Endpoint.CREATE, Duration.ofMillis(1500)));
        Api.Resp r = api.create(c);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(r.code()).isEqualTo("YOU_HAVE_BEEN_RATE_LIMITED");
        assertThat(r.json().path("status").asText()).isEqualTo("fail");
        assertThat(r.headers().firstValue("x-veryfi-trace-id")).isPresent();
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
        // default count is 1: the next call goes through
        assertThat(api.create(c).status()).isEqualTo(201);

        sim.inject(Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(3)));
        assertThat(api.list(c).headers().firstValue("Retry-After")).hasValue("3");
    }

    @Test
    void theRateLimitRefusesWhatPassesItInAWallClockSecondAndCountsEveryRequest()
            throws IOException {
        Api.Creds c = account();
        Api.Creds other = account();
        sim.clearRequests();
        sim.rateLimit(3);
        try {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Api.Resp r = api.list(i % 2 == 0 ? c : other);
                statuses.add(r.status());
                if (r.status() == 429) {
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(r.code()).isEqualTo("YOU_HAVE_BEEN_RATE_LIMITED");
                }
            }
            // Over all accounts: within each second at most 3 were answered, the rest refused.
            java.util.Map<Long, Long> answered =
                    sim.requests().stream()
                            .filter(r -> r.status() == 200)
                            .collect(
                                    java.util.stream.Collectors.groupingBy(
                                            r -> r.at().getEpochSecond(),
                                            java.util.stream.Collectors.counting()));
            assertThat(answered.values()).allMatch(n -> n <= 3);
            assertThat(statuses).contains(429);
            assertThat(sim.requestsPerSecond().values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(8);
        } finally {
            sim.rateLimit(0);
        }
        assertThat(api.list(c).status()).isEqualTo(200);
        assertThatThrownBy(() -> sim.rateLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void faultsApplyBeforeAuthentication() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(1)));
        assertThat(api.list(c.withKey("not-a-key")).status()).isEqualTo(429);
        assertThat(api.list(c.withKey("not-a-key")).status()).isEqualTo(401);
    }

    @Test
    void serverErrorsUseTheGivenStatusAndAJsonBody() throws IOException {
        Api.Creds c = account();
        for (int status : new int[] {499, 500, 503, 504}) {
            sim.inject(Fault.serverError(Endpoint.RESET, status));
            Api.Resp r = api.reset(c);
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.json().path("status").asText()).isEqualTo("fail");
            assertThat(r.code()).isNotBlank();
        }
        assertThat(sim.isLive(c.clientId(), c.key())).isTrue();
        assertThatThrownBy(() -> Fault.serverError(Endpoint.ANY, 404))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyDelaysThenHandlesNormally() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.latency(Endpoint.LIST, Duration.ofMillis(300)));
        long start = System.nanoTime();
        Api.Resp r = api.list(c);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.status()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);
        assertThat(sim.requests())
                .last()
                .satisfies(
                        rec -> {
                            assertThat(rec.fault()).isEqualTo("LATENCY");
                            assertThat(rec.status()).isEqualTo(200);
                        });
    }

    @Test
    void aSlowRequestDoesNotBlockOthers() throws Exception {
        Api.Creds slow = account();
        Api.Creds fast = account();
        sim.inject(
                Fault.latency(Endpoint.LIST, Duration.ofMillis(1500)).forAccount(slow.clientId()));
        CompletableFuture<Api.Resp> slowCall =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return new Api(sim, Api.newClient()).list(slow);
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        });
        Thread.sleep(100);
        long start = System.nanoTime();
        assertThat(new Api(sim, Api.newClient()).list(fast).status()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        assertThat(slowCall.isDone()).isFalse();
        assertThat(slowCall.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void dropClosesTheConnectionWithoutResponseAndChangesNothing() {
        Api.Creds c = account();
        sim.inject(Fault.drop(Endpoint.CREATE));
        Api fresh = new Api(sim, Api.newClient());
        assertThatThrownBy(() -> fresh.create(c)).isInstanceOf(IOException.class);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
        assertThat(sim.requests())
                .singleElement()
                .satisfies(
                        rec -> {
                            assertThat(rec.status()).isZero();
                            assertThat(rec.fault()).isEqualTo("DROP");
                            assertThat(rec.keyId()).isNull();
                        });

        sim.inject(Fault.drop(Endpoint.DELETE));
        assertThatThrownBy(() -> fresh.delete(c, 12345)).isInstanceOf(IOException.class);
    }

    /**
     * java.net.http.HttpClient silently retries a GET (or HEAD) ONCE when the connection closes
     * before any response byte (jdk.internal.net.http.MultiExchange, ConnectionExpiredException).
     * So one dropped LIST is invisible to a JDK client; two in a row surface as an IOException.
     */
    @Test
    void jdkHttpClientRetriesADroppedGetOnce() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.drop(Endpoint.LIST));
        assertThat(new Api(sim, Api.newClient()).list(c).status()).isEqualTo(200);
        assertThat(sim.requests()).extracting(RecordedRequest::status).containsExactly(0, 200);

        sim.clearRequests();
        sim.inject(Fault.drop(Endpoint.LIST).times(2));
        Api fresh = new Api(sim, Api.newClient());
        assertThatThrownBy(() -> fresh.list(c)).isInstanceOf(IOException.class);
        assertThat(sim.requests())
                .extracting(RecordedRequest::fault)
                .containsExactly("DROP", "DROP");
    }

    @Test
    void forbiddenAnswers403AndChangesNothing() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.forbidden(Endpoint.CREATE));
        Api.Resp resp = new Api(sim, Api.newClient()).create(c);
        assertThat(resp.status()).isEqualTo(403);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
        assertThat(sim.requests())
                .singleElement()
                .satisfies(rec -> assertThat(rec.fault()).isEqualTo("FORBIDDEN"));
    }

    @Test
    void garbledAfterCommitPerformsTheOperationThenAnswersItsStatusWithABodyThatIsNotJson()
            throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.garbledAfterCommit(Endpoint.CREATE));
        assertThatThrownBy(() -> new Api(sim, Api.newClient()).create(c))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("response is not JSON");
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
        assertThat(sim.requests())
                .singleElement()
                .satisfies(
                        rec -> {
                            assertThat(rec.fault()).isEqualTo("GARBLED_AFTER_COMMIT");
                            assertThat(rec.status()).isEqualTo(201);
                        });
    }

    @Test
    void dropAfterCommitPerformsTheOperationThenDrops() throws IOException {
        Api.Creds c = account();
        long original = sim.liveKeyIds(c.clientId()).get(0);
        sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
        assertThatThrownBy(() -> new Api(sim, Api.newClient()).create(c))
                .isInstanceOf(IOException.class);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
        assertThat(sim.requests())
                .singleElement()
                .satisfies(
                        rec -> {
                            assertThat(rec.status()).isZero();
                            assertThat(rec.fault()).isEqualTo("DROP_AFTER_COMMIT");
                            assertThat(rec.keyId()).isEqualTo(original);
                        });

        // reset: every key changed, the caller never saw the new values
        sim.inject(Fault.dropAfterCommit(Endpoint.RESET));
        List<Long> before = sim.liveKeyIds(c.clientId());
        assertThatThrownBy(() -> new Api(sim, Api.newClient()).reset(c))
                .isInstanceOf(IOException.class);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2).doesNotContainAnyElementsOf(before);
        assertThat(sim.isLive(c.clientId(), c.key())).isFalse();
    }

    @Test
    void dropAfterCommitWaitsForASuccessfulCall() throws IOException {
        Api.Creds c = account();
        api.create(c);
        sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
        assertThat(api.create(c).code())
                .isEqualTo("KEY_LIMIT_REACHED"); // not applied, not consumed
        api.delete(c, sim.liveKeyIds(c.clientId()).get(1));
        assertThatThrownBy(() -> new Api(sim, Api.newClient()).create(c))
                .isInstanceOf(IOException.class);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
        assertThat(sim.faults()).isEmpty();
    }

    @Test
    void timesAppliesToTheNextNCalls() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.serverError(Endpoint.LIST, 503).times(2));
        assertThat(List.of(api.list(c).status(), api.list(c).status(), api.list(c).status()))
                .containsExactly(503, 503, 200);
    }

    @Test
    void alwaysAppliesUntilCleared() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.serverError(Endpoint.ANY, 500).always());
        assertThat(api.list(c).status()).isEqualTo(500);
        assertThat(api.create(c).status()).isEqualTo(500);
        assertThat(api.delete(c, 1).status()).isEqualTo(500);
        assertThat(api.reset(c).status()).isEqualTo(500);
        assertThat(api.list(c).status()).isEqualTo(500);
        sim.clearFaults();
        assertThat(api.list(c).status()).isEqualTo(200);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
    }

    @Test
    void probabilityIsSeededAndRepeatable() throws IOException {
        Api.Creds c = account();
        List<Integer> first = statusesWithProbability(c, 0.5);
        List<Integer> second = statusesWithProbability(c, 0.5);
        assertThat(first).isEqualTo(second);
        long failures = first.stream().filter(s -> s == 503).count();
        assertThat(failures).isBetween(8L, 32L);
        assertThat(first).containsOnly(200, 503);
    }

    private List<Integer> statusesWithProbability(Api.Creds c, double p) throws IOException {
        sim.clearFaults();
        sim.inject(Fault.serverError(Endpoint.LIST, 503).withProbability(p));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            statuses.add(api.list(c).status());
        }
        return statuses;
    }

    @Test
    void forAccountOnlyAffectsThatAccount() throws IOException {
        Api.Creds target = account();
        Api.Creds bystander = account();
        sim.inject(Fault.serverError(Endpoint.LIST, 503).forAccount(target.clientId()).always());
        assertThat(api.list(bystander).status()).isEqualTo(200);
        assertThat(api.list(target).status()).isEqualTo(503);
        assertThat(api.list(bystander).status()).isEqualTo(200);
    }

    @Test
    void endpointFilterAndInjectionOrder() throws IOException {
        Api.Creds c = account();
        sim.inject(Fault.serverError(Endpoint.CREATE, 500));
        sim.inject(Fault.rateLimit(Endpoint.ANY, Duration.ofSeconds(1)));
        assertThat(api.create(c).status()).isEqualTo(500); // first injected matches first
        assertThat(api.delete(c, 1).status()).isEqualTo(429); // ANY matches DELETE
        assertThat(api.list(c).status()).isEqualTo(200); // both consumed
    }

    @Test
    void injectTakesASnapshot() throws IOException {
        Api.Creds c = account();
        Fault fault = Fault.serverError(Endpoint.LIST, 503);
        sim.inject(fault);
        fault.always();
        assertThat(api.list(c).status()).isEqualTo(503);
        assertThat(api.list(c).status()).isEqualTo(200);
        assertThat(fault.toString()).contains("SERVER_ERROR").contains("LIST");
    }
}
