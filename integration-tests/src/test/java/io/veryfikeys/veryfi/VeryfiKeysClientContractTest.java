package io.veryfikeys.veryfi;

import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.simulator.RecordedRequest;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static io.veryfikeys.veryfi.SimulatorFixture.account;
import static io.veryfikeys.veryfi.SimulatorFixture.bounded;
import static io.veryfikeys.veryfi.SimulatorFixture.fastClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The real {@link VeryfiKeysClient} over real HTTP against the Veryfi simulator: every rule of the
 * simulated API, and every fault kind, with real time (short client timeouts and backoff).
 */
class VeryfiKeysClientContractTest {
    private VeryfiSimulator sim;
    private static VeryfiKeysClient client;

    private VeryfiAccount account;
    private SimulatedKey firstKey;

    @BeforeAll
    static void buildClient() {
        client = fastClient();
    }

    /**
     * A fresh simulator per test: closing it also stops requests still sleeping in a latency fault,
     * which would otherwise land in the next test's recorded requests.
     */
    @BeforeEach
    void freshSimulatorAndAccount() {
        sim = VeryfiSimulator.start(0);
        firstKey = sim.createAccount("client-a", "alice", null);
        account = account(sim.baseUrl(), "client-a", "alice", null);
    }

    @AfterEach
    void stopSimulator() {
        sim.close();
    }

    private SecretValue key(SimulatedKey k) {
        return SecretValue.of(k.value());
    }

    // =====================================================================================
    @Nested
    class HappyPaths {
        @Test
        void listReturnsTheLiveKeyIds() {
            assertThat(bounded(() -> client.listKeyIds(account, key(firstKey))))
                    .containsExactly(firstKey.id());
            SimulatedKey second = sim.addKey("client-a");
            assertThat(bounded(() -> client.listKeyIds(account, key(second))))
                    .containsExactly(firstKey.id(), second.id());
        }

        @Test
        void baseUrlWithTrailingSlashWorksToo() {
            VeryfiAccount slash =
                    account(URI.create(sim.baseUrl() + "/"), "client-a", "alice", null);
            assertThat(bounded(() -> client.listKeyIds(slash, key(firstKey))))
                    .containsExactly(firstKey.id());
        }

        @Test
        void createReturnsANewLiveKeyThatWorks() {
            ApiKey created = bounded(() -> client.createKey(account, key(firstKey)));
            assertThat(created.id()).isNotEqualTo(firstKey.id());
            assertThat(sim.isLive("client-a", created.value().reveal())).isTrue();
            assertThat(sim.liveKeyIds("client-a"))
                    .containsExactlyInAnyOrder(firstKey.id(), created.id());
            assertThat(bounded(() -> client.listKeyIds(account, created.value())))
                    .containsExactlyInAnyOrder(firstKey.id(), created.id());
        }

        @Test
        void deleteRemovesTheKey() {
            ApiKey created = bounded(() -> client.createKey(account, key(firstKey)));
            bounded(() -> client.deleteKey(account, created.value(), firstKey.id()));
            assertThat(sim.liveKeyIds("client-a")).containsExactly(created.id());
            assertThat(sim.isLive("client-a", firstKey.value())).isFalse();
        }

        @Test
        void resetReplacesEveryKeyAndTheOldOnesStopWorking() {
            SimulatedKey second = sim.addKey("client-a");
            List<ApiKey> fresh = bounded(() -> client.resetKeys(account, key(firstKey)));
            assertThat(fresh).hasSize(2);
            assertThat(fresh).extracting(ApiKey::id).doesNotContain(firstKey.id(), second.id());
            assertThat(sim.liveKeyIds("client-a"))
                    .containsExactlyInAnyOrderElementsOf(fresh.stream().map(ApiKey::id).toList());
            for (ApiKey k : fresh) {
                assertThat(sim.isLive("client-a", k.value().reveal())).isTrue();
            }
            assertThatThrownBy(() -> bounded(() -> client.listKeyIds(account, key(firstKey))))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThatThrownBy(() -> bounded(() -> client.listKeyIds(account, key(second))))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThat(bounded(() -> client.listKeyIds(account, fresh.getFirst().value())))
                    .hasSize(2);
        }

        @Test
        void signedAccountWorksForEveryOperation() {
            SimulatedKey k1 = sim.createAccount("client-s", "sam", "s3cret-signing-key");
            VeryfiAccount signed = account(sim.baseUrl(), "client-s", "sam", "s3cret-signing-key");
            sim.clearRequests();

            assertThat(bounded(() -> client.listKeyIds(signed, key(k1)))).containsExactly(k1.id());
            ApiKey k2 = bounded(() -> client.createKey(signed, key(k1)));
            bounded(() -> client.deleteKey(signed, k2.value(), k1.id()));
            List<ApiKey> fresh = bounded(() -> client.resetKeys(signed, k2.value()));
            assertThat(fresh).hasSize(1);
            assertThat(sim.requests())
                    .extracting(RecordedRequest::status)
                    .containsExactly(200, 201, 204, 201);
        }

        /**
         * The account's secret chooses how requests are signed; against an account that accepts
         * only one scheme, the chosen one works for every operation and the other is refused.
         */
        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.EnumSource(
                io.veryfikeys.simulator.RequestSignature.Scheme.class)
        void eachSigningSchemeWorksForEveryOperationWhereVeryfiExpectsIt(
                io.veryfikeys.simulator.RequestSignature.Scheme scheme) {
            String clientId = "client-" + scheme.name().toLowerCase();
            SimulatedKey k1 = sim.createAccount(clientId, "sam", "signing-key", scheme);
            SigningScheme chosen =
                    scheme == io.veryfikeys.simulator.RequestSignature.Scheme.PAIRS
                            ? SigningScheme.PAIRS
                            : SigningScheme.JSON;
            SigningScheme other =
                    chosen == SigningScheme.PAIRS ? SigningScheme.JSON : SigningScheme.PAIRS;
            VeryfiAccount right =
                    new VeryfiAccount(
                            sim.baseUrl(),
                            clientId,
                            "sam",
                            java.util.Optional.of(
                                    io.veryfikeys.support.SecretValue.of("signing-key")),
                            chosen);
            VeryfiAccount wrong =
                    new VeryfiAccount(
                            sim.baseUrl(),
                            clientId,
                            "sam",
                            java.util.Optional.of(
                                    io.veryfikeys.support.SecretValue.of("signing-key")),
                            other);

            assertThatThrownBy(() -> bounded(() -> client.listKeyIds(wrong, key(k1))))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThat(bounded(() -> client.listKeyIds(right, key(k1)))).containsExactly(k1.id());
            ApiKey k2 = bounded(() -> client.createKey(right, key(k1)));
            bounded(() -> client.deleteKey(right, k2.value(), k1.id()));
            assertThat(bounded(() -> client.resetKeys(right, k2.value()))).hasSize(1);
        }
    }

    // =====================================================================================
    @Nested
    class Rules {
        @Test
        void aThirdKeyIsRefused() {
            sim.addKey("client-a");
            sim.clearRequests();
            KeyLimitReachedException e =
                    catchThrowableOfType(
                            KeyLimitReachedException.class,
                            () -> bounded(() -> client.createKey(account, key(firstKey))));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("KEY_LIMIT_REACHED", "trace id");
            assertThat(sim.liveKeyIds("client-a")).hasSize(2);
            assertThat(sim.requests()).hasSize(1);
        }

        @Test
        void theLastKeyCannotBeDeleted() {
            LastKeyException e =
                    catchThrowableOfType(
                            LastKeyException.class,
                            () ->
                                    bounded(
                                            () ->
                                                    client.deleteKey(
                                                            account,
                                                            key(firstKey),
                                                            firstKey.id())));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("LAST_KEY", "delete key " + firstKey.id());
            assertThat(sim.liveKeyIds("client-a")).containsExactly(firstKey.id());
            assertThat(sim.requests()).hasSize(1);
        }

        @Test
        void unknownKeyIdIsNotFound() {
            KeyNotFoundException e =
                    catchThrowableOfType(
                            KeyNotFoundException.class,
                            () -> bounded(() -> client.deleteKey(account, key(firstKey), 987_654)));
            assertThat(e.status()).isEqualTo(404);
            assertThat(sim.requests()).hasSize(1);
        }

        @Test
        void wrongKeyIsRejectedOnce() {
            assertAuthFailureOnce(account, SecretValue.of("not-a-live-key"));
        }

        @Test
        void wrongUsernameIsRejectedOnce() {
            assertAuthFailureOnce(
                    account(sim.baseUrl(), "client-a", "mallory", null), key(firstKey));
        }

        @Test
        void unknownClientIdIsRejectedOnce() {
            assertAuthFailureOnce(
                    account(sim.baseUrl(), "client-unknown", "alice", null), key(firstKey));
        }

        @Test
        void badOrMissingSignatureIsRejectedOnce() {
            SimulatedKey k = sim.createAccount("client-s", "sam", "the-right-secret");
            assertAuthFailureOnce(
                    account(sim.baseUrl(), "client-s", "sam", "a-wrong-secret"), key(k));
            // an account that should sign but is configured without its secret
            assertAuthFailureOnce(account(sim.baseUrl(), "client-s", "sam", null), key(k));
            assertThat(
                            bounded(
                                    () ->
                                            client.listKeyIds(
                                                    account(
                                                            sim.baseUrl(),
                                                            "client-s",
                                                            "sam",
                                                            "the-right-secret"),
                                                    key(k))))
                    .containsExactly(k.id());
        }

        @Test
        void authFailuresAreNotRetriedOnAnyOperation() {
            SecretValue wrong = SecretValue.of("not-a-live-key");
            sim.clearRequests();
            assertThatThrownBy(() -> bounded(() -> client.createKey(account, wrong)))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThatThrownBy(() -> bounded(() -> client.deleteKey(account, wrong, firstKey.id())))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThatThrownBy(() -> bounded(() -> client.resetKeys(account, wrong)))
                    .isInstanceOf(VeryfiAuthException.class);
            assertThat(sim.requests())
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
            assertThat(sim.liveKeyIds("client-a")).containsExactly(firstKey.id());
        }

        private void assertAuthFailureOnce(VeryfiAccount who, SecretValue authKey) {
            sim.clearRequests();
            VeryfiAuthException e =
                    catchThrowableOfType(
                            VeryfiAuthException.class,
                            () -> bounded(() -> client.listKeyIds(who, authKey)));
            assertThat(e).isNotNull();
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).doesNotContain(authKey.reveal());
            assertThat(sim.requests()).hasSize(1);
        }
    }

    // =====================================================================================
    @Nested
    class Faults {
        @Test
        void rateLimitIsRetriedAfterRetryAfter() {
            sim.inject(Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(1)));
            assertThat(bounded(() -> client.listKeyIds(account, key(firstKey))))
                    .containsExactly(firstKey.id());
            List<RecordedRequest> requests = sim.requests();
            assertThat(requests).extracting(RecordedRequest::status).containsExactly(429, 200);
            assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }

        @Test
        void rateLimitedCreateIsRetriedAndCreatesExactlyOneKey() {
            sim.inject(Fault.rateLimit(Endpoint.CREATE, Duration.ofSeconds(1)));
            ApiKey created = bounded(() -> client.createKey(account, key(firstKey)));
            assertThat(sim.requests())
                    .extracting(RecordedRequest::status)
                    .containsExactly(429, 201);
            assertThat(sim.liveKeyIds("client-a"))
                    .containsExactlyInAnyOrder(firstKey.id(), created.id());
        }

        @Test
        void rateLimitLongerThanTheCapFailsAtOnce() {
            sim.inject(Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(10)));
            long start = System.nanoTime();
            VeryfiRateLimitedException e =
                    catchThrowableOfType(
                            VeryfiRateLimitedException.class,
                            () -> bounded(() -> client.listKeyIds(account, key(firstKey))));
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(sim.requests()).hasSize(1);
        }

        @Test
        void serverErrorBurstShorterThanTheBoundSucceeds() {
            sim.inject(Fault.serverError(Endpoint.CREATE, 503).times(2));
            sim.inject(Fault.serverError(Endpoint.CREATE, 499).times(1));
            ApiKey created = bounded(() -> client.createKey(account, key(firstKey)));
            assertThat(sim.requests())
                    .extracting(RecordedRequest::status)
                    .containsExactly(503, 503, 499, 201);
            assertThat(sim.liveKeyIds("client-a"))
                    .containsExactlyInAnyOrder(firstKey.id(), created.id());
        }

        @Test
        void serverErrorsLongerThanTheBoundSurfaceAsUnavailable() {
            sim.inject(Fault.serverError(Endpoint.ANY, 500).always());
            long start = System.nanoTime();
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> bounded(() -> client.listKeyIds(account, key(firstKey))));
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).contains("attempts 4", "INTERNAL_SERVER_ERROR");
            assertThat(sim.requests()).hasSize(SimulatorFixture.FAST.maxAttempts());
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(SimulatorFixture.FAST.maxTotalTime());

            sim.clearRequests();
            assertThatThrownBy(() -> bounded(() -> client.resetKeys(account, key(firstKey))))
                    .isInstanceOf(VeryfiUnavailableException.class);
            assertThat(sim.requests()).hasSize(4);
            assertThat(sim.liveKeyIds("client-a")).containsExactly(firstKey.id());
        }

        @Test
        void latencyBeyondTheRequestTimeoutFailsWithinABound() {
            sim.inject(Fault.latency(Endpoint.LIST, Duration.ofSeconds(3)).always());
            long start = System.nanoTime();
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> bounded(() -> client.listKeyIds(account, key(firstKey))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).containsIgnoringCase("timeout");
            // 4 attempts x 600 ms + backoff, far below 4 x 3 s
            assertThat(took).isLessThan(Duration.ofMillis(4 * 600 + 3 * 200 + 1500));
        }

        @Test
        void aSingleSlowListIsRetried() {
            sim.inject(Fault.latency(Endpoint.LIST, Duration.ofSeconds(2)));
            assertThat(bounded(() -> client.listKeyIds(account, key(firstKey))))
                    .containsExactly(firstKey.id());
        }

        @Test
        void aSlowCreateIsNotRetriedBecauseVeryfiMayStillPerformIt() {
            sim.inject(Fault.latency(Endpoint.CREATE, Duration.ofMillis(1500)));
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> bounded(() -> client.createKey(account, key(firstKey))));
            assertThat(e.getMessage()).contains("not retried");
            // ...and indeed Veryfi performs it after the client gave up: exactly one extra key, for
            // the caller's reconciliation to find. A blind retry would have made it two.
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> sim.liveKeyIds("client-a").size() == 2);
            assertThat(requestsTo(sim, "POST", "/client-keys")).hasSize(1);
        }

        @Test
        void droppedListIsRetriedAndSucceeds() {
            sim.inject(Fault.drop(Endpoint.LIST));
            assertThat(bounded(() -> client.listKeyIds(account, key(firstKey))))
                    .containsExactly(firstKey.id());
            assertThat(sim.requests())
                    .extracting(RecordedRequest::status)
                    .contains(0)
                    .endsWith(200);
        }

        @Test
        void droppedCreateAfterCommitIsNotRetried() {
            sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> bounded(() -> client.createKey(account, key(firstKey))));
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).contains("not retried");
            assertThat(requestsTo(sim, "POST", "/client-keys")).hasSize(1);
            // the one created key (value lost) and no second one
            assertThat(sim.liveKeyIds("client-a")).hasSize(2);
        }

        @Test
        void droppedCreateOnAKeptAliveConnectionIsNotResentByTheHttpStack() {
            // HttpURLConnection silently resends a request whose kept-alive connection died, unless
            // the body is streamed: the transport streams every POST so a create is sent exactly
            // once.
            assertThat(client.listKeyIds(account, key(firstKey))).containsExactly(firstKey.id());
            sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
            assertThatThrownBy(() -> bounded(() -> client.createKey(account, key(firstKey))))
                    .isInstanceOf(VeryfiUnavailableException.class)
                    .hasMessageContaining("not retried");
            assertThat(requestsTo(sim, "POST", "/client-keys")).hasSize(1);
            assertThat(sim.liveKeyIds("client-a")).hasSize(2);
        }

        @Test
        void droppedCreateBeforeCommitIsNotRetriedEither() {
            sim.inject(Fault.drop(Endpoint.CREATE));
            assertThatThrownBy(() -> bounded(() -> client.createKey(account, key(firstKey))))
                    .isInstanceOf(VeryfiUnavailableException.class);
            assertThat(requestsTo(sim, "POST", "/client-keys")).hasSize(1);
            assertThat(sim.liveKeyIds("client-a")).containsExactly(firstKey.id());
        }

        @Test
        void droppedResetIsNotRetried() {
            sim.inject(Fault.dropAfterCommit(Endpoint.RESET));
            assertThatThrownBy(() -> bounded(() -> client.resetKeys(account, key(firstKey))))
                    .isInstanceOf(VeryfiUnavailableException.class);
            assertThat(requestsTo(sim, "POST", "/reset")).hasSize(1);
            assertThat(sim.isLive("client-a", firstKey.value())).isFalse();
            assertThat(sim.liveKeyIds("client-a")).hasSize(1);
        }

        @Test
        void droppedDeleteIsRetriedAndAnAlreadyGoneKeyIsReportedAsNotFound() {
            SimulatedKey second = sim.addKey("client-a");
            sim.inject(Fault.dropAfterCommit(Endpoint.DELETE));
            assertThatThrownBy(
                            () ->
                                    bounded(
                                            () ->
                                                    client.deleteKey(
                                                            account, key(second), firstKey.id())))
                    .isInstanceOf(KeyNotFoundException.class);
            assertThat(sim.liveKeyIds("client-a")).containsExactly(second.id());
        }

        @Test
        void connectionRefusedIsRetriedEvenForCreateAndThenSurfaces() {
            VeryfiAccount nowhere =
                    account(
                            URI.create("http://127.0.0.1:" + SimulatorFixture.closedPort()),
                            "client-a",
                            "alice",
                            null);
            long start = System.nanoTime();
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> bounded(() -> client.createKey(nowhere, key(firstKey))));
            assertThat(e.getMessage()).contains("attempts 4");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
        }

        private static List<RecordedRequest> requestsTo(
                VeryfiSimulator sim, String method, String suffix) {
            return SimulatorFixture.requestsTo(sim, method, suffix);
        }
    }
}
