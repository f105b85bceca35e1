package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class RecordingTest extends SimulatorTestBase {

    @Test
    void recordsEveryRequestWithTheAuthenticatingKeyIdAndNoValue() throws IOException {
        Instant start = Instant.now();
        Api.Creds c = signedAccount();
        long keyId = sim.liveKeyIds(c.clientId()).get(0);
        Api.Resp created = api.create(c);
        String newValue = created.json().get("value").asText();
        api.list(c.withKey(newValue));
        api.list(c.withKey("wrong"));
        sim.inject(Fault.rateLimit(Endpoint.DELETE, Duration.ofSeconds(1)));
        api.delete(c, keyId);
        api.send("GET", "/elsewhere", java.util.Map.of(), null);
        api.admin("GET", "/requests", null); // admin calls are not recorded

        assertThat(sim.requests()).hasSize(5);
        var r = sim.requests();
        assertThat(r.get(0))
                .satisfies(
                        x -> {
                            assertThat(x.method()).isEqualTo("POST");
                            assertThat(x.path()).isEqualTo(Api.KEYS);
                            assertThat(x.clientId()).isEqualTo(c.clientId());
                            assertThat(x.keyId()).isEqualTo(keyId);
                            assertThat(x.status()).isEqualTo(201);
                            assertThat(x.fault()).isNull();
                            assertThat(x.at()).isAfterOrEqualTo(start.minusMillis(1));
                        });
        assertThat(r.get(1).keyId()).isEqualTo(created.json().get("id").asLong());
        assertThat(r.get(2).keyId()).isNull();
        assertThat(r.get(2).status()).isEqualTo(401);
        assertThat(r.get(3))
                .satisfies(
                        x -> {
                            assertThat(x.method()).isEqualTo("DELETE");
                            assertThat(x.path()).isEqualTo(Api.KEYS + "/" + keyId);
                            assertThat(x.status()).isEqualTo(429);
                            assertThat(x.fault()).isEqualTo("RATE_LIMIT");
                            assertThat(x.keyId()).isNull();
                        });
        assertThat(r.get(4).status()).isEqualTo(404);
        for (RecordedRequest x : r) {
            assertThat(x.toString())
                    .doesNotContain(c.key())
                    .doesNotContain(newValue)
                    .doesNotContain(c.secret());
        }
        assertThat(r.get(0).at()).isBeforeOrEqualTo(r.get(4).at());

        sim.clearRequests();
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void aCallIsInFlightFromItsArrivalUntilTheSimulatorIsDoneWithIt() throws Exception {
        Api.Creds c = account();
        sim.inject(Fault.latency(Endpoint.CREATE, Duration.ofMillis(500)).forAccount(c.clientId()));
        CompletableFuture<Api.Resp> slow =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return new Api(sim, Api.newClient()).create(c);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        try {
            awaitTrue(() -> sim.received(Endpoint.CREATE, c.clientId()) == 1);
            assertThat(sim.inFlight(Endpoint.CREATE, c.clientId())).isEqualTo(1);
            assertThat(sim.inFlight(Endpoint.ANY, c.clientId())).isEqualTo(1);
            assertThat(sim.inFlight(Endpoint.LIST, c.clientId())).isZero();
            assertThat(sim.inFlight(Endpoint.ANY, "another-account")).isZero();
            sim.clearRequests(); // forgets the log, not what is being handled
            assertThat(sim.inFlight(Endpoint.CREATE, c.clientId())).isEqualTo(1);
        } finally {
            // never leave the call to land in the next test's log
            assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
        }
        awaitTrue(() -> sim.inFlight(Endpoint.ANY, c.clientId()) == 0);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
    }

    /**
     * The answer reaches the client a moment before the simulator's thread is done with the call.
     */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition still false after 10 s")
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void requestsIsASnapshot() throws IOException {
        Api.Creds c = account();
        var before = sim.requests();
        api.list(c);
        assertThat(before).isEmpty();
        assertThat(sim.requests()).hasSize(1);
    }

    @Test
    void simulatedKeyMasksItsValue() {
        SimulatedKey key = sim.createAccount("masked", "u", null);
        assertThat(key.toString()).isEqualTo("SimulatedKey[id=" + key.id() + ", value=****]");
        assertThat(key.value()).matches("[0-9a-f]{32}");
    }
}
