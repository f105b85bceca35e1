package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

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
        assertThat(r.get(0)).satisfies(x -> {
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
        assertThat(r.get(3)).satisfies(x -> {
            assertThat(x.method()).isEqualTo("DELETE");
            assertThat(x.path()).isEqualTo(Api.KEYS + "/" + keyId);
            assertThat(x.status()).isEqualTo(429);
            assertThat(x.fault()).isEqualTo("RATE_LIMIT");
            assertThat(x.keyId()).isNull();
        });
        assertThat(r.get(4).status()).isEqualTo(404);
        for (RecordedRequest x : r) {
            assertThat(x.toString()).doesNotContain(c.key()).doesNotContain(newValue).doesNotContain(c.secret());
        }
        assertThat(r.get(0).at()).isBeforeOrEqualTo(r.get(4).at());

        sim.clearRequests();
        assertThat(sim.requests()).isEmpty();
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
