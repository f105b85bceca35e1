package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRulesTest extends SimulatorTestBase {

    @Test
    void listReturnsAscendingIdsWithMaskedValues() throws IOException {
        Api.Creds c = account();
        Api.Resp created = api.create(c);
        String newValue = created.json().get("value").asText();

        Api.Resp list = api.list(c);
        assertThat(list.status()).isEqualTo(200);
        JsonNode keys = list.json().get("api_keys");
        assertThat(keys).hasSize(2);
        List<Long> ids = new ArrayList<>();
        keys.forEach(k -> ids.add(k.get("id").asLong()));
        assertThat(ids).isSorted().isEqualTo(sim.liveKeyIds(c.clientId()));
        keys.forEach(k -> assertThat(k.get("value").asText()).matches("[0-9a-f]{0,4}\\*+"));
        assertThat(list.body())
                .doesNotContain(c.key())
                .doesNotContain(newValue)
                .doesNotContain(c.key().substring(0, 5))
                .doesNotContain(newValue.substring(0, 5));
    }

    @Test
    void everyResponseIsJsonWithATraceId() throws IOException {
        Api.Creds c = account();
        List<Api.Resp> responses =
                List.of(
                        api.list(c),
                        api.create(c),
                        api.delete(c, sim.liveKeyIds(c.clientId()).get(1)),
                        api.list(c.withKey("nope")),
                        api.send("GET", "/nowhere", Map.of(), null));
        for (Api.Resp r : responses) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.headers().firstValue("x-veryfi-trace-id"))
                    .isPresent()
                    .get()
                    .asString()
                    .isNotBlank();
        }
    }

    @Test
    void createReturnsIdAnd32HexValueThatWorks() throws IOException {
        Api.Creds c = account();
        Api.Resp created = api.create(c);
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        String value = created.json().get("value").asText();
        assertThat(value).matches("[0-9a-f]{32}");
        assertThat(sim.liveKeyIds(c.clientId())).contains(id);
        assertThat(sim.isLive(c.clientId(), value)).isTrue();
        assertThat(api.list(c.withKey(value)).status()).isEqualTo(200);
    }

    @Test
    void atMostTwoLiveKeys() throws IOException {
        Api.Creds c = account();
        assertThat(api.create(c).status()).isEqualTo(201);
        Api.Resp third = api.create(c);
        assertThat(third.status()).isEqualTo(400);
        assertThat(third.code()).isEqualTo("KEY_LIMIT_REACHED");
        assertThat(third.json().path("status").asText()).isEqualTo("fail");
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
        // after deleting one, creating works again
        assertThat(api.delete(c, sim.liveKeyIds(c.clientId()).get(1)).status()).isEqualTo(204);
        assertThat(api.create(c).status()).isEqualTo(201);
    }

    @Test
    void lastKeyCannotBeDeleted() throws IOException {
        Api.Creds c = account();
        long only = sim.liveKeyIds(c.clientId()).get(0);
        Api.Resp r = api.delete(c, only);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("LAST_KEY");
        assertThat(sim.liveKeyIds(c.clientId())).containsExactly(only);
    }

    @Test
    void deleteOfUnknownForeignOrDeletedIdIs404() throws IOException {
        Api.Creds c = account();
        Api.Creds other = account();
        api.create(c);
        assertThat(api.delete(c, 999_999).code()).isEqualTo("NOT_FOUND");
        Api.Resp foreign = api.delete(c, sim.liveKeyIds(other.clientId()).get(0));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("NOT_FOUND");
        assertThat(sim.liveKeyIds(other.clientId())).hasSize(1);

        long second = sim.liveKeyIds(c.clientId()).get(1);
        assertThat(api.delete(c, second).status()).isEqualTo(204);
        Api.Resp again = api.delete(c, second);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void nonNumericIdIsMalformed() throws IOException {
        Api.Creds c = account();
        Api.Resp r = api.delete(c, "abc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("MALFORMED_PARAMETERS");
    }

    @Test
    void deletingTheKeyThatAuthenticatesIsAllowed() throws IOException {
        Api.Creds c = account();
        long oldId = sim.liveKeyIds(c.clientId()).get(0);
        Api.Resp created = api.create(c);
        assertThat(api.delete(c, oldId).status()).isEqualTo(204);
        assertThat(sim.isLive(c.clientId(), c.key())).isFalse();
        assertThat(api.list(c).status()).isEqualTo(401);
        assertThat(api.list(c.withKey(created.json().get("value").asText())).status())
                .isEqualTo(200);
    }

    @Test
    void resetRegeneratesEveryKeyAndInvalidatesAllPreviousOnes() throws IOException {
        Api.Creds c = account();
        Api.Resp created = api.create(c);
        String second = created.json().get("value").asText();
        List<Long> before = sim.liveKeyIds(c.clientId());

        Api.Resp reset = api.reset(c);
        assertThat(reset.status()).isEqualTo(201);
        JsonNode keys = reset.json().get("api_keys");
        assertThat(keys).hasSize(2);
        List<Long> after = new ArrayList<>();
        for (JsonNode k : keys) {
            after.add(k.get("id").asLong());
            String value = k.get("value").asText();
            assertThat(value).matches("[0-9a-f]{32}").isNotIn(c.key(), second);
            assertThat(api.list(c.withKey(value)).status()).isEqualTo(200);
        }
        assertThat(after).doesNotContainAnyElementsOf(before);
        assertThat(sim.liveKeyIds(c.clientId())).isEqualTo(after);
        assertThat(api.list(c).status()).isEqualTo(401);
        assertThat(api.list(c.withKey(second)).status()).isEqualTo(401);
        assertThat(sim.isLive(c.clientId(), c.key())).isFalse();
    }

    @Test
    void resetOfASingleKeyAccountLeavesOneKey() throws IOException {
        Api.Creds c = account();
        Api.Resp reset = api.reset(c);
        assertThat(reset.json().get("api_keys")).hasSize(1);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
    }

    @Test
    void idsIncreaseGloballyAcrossAccounts() throws IOException {
        Api.Creds a = account();
        Api.Creds b = account();
        long a1 = sim.liveKeyIds(a.clientId()).get(0);
        long b1 = sim.liveKeyIds(b.clientId()).get(0);
        long a2 = api.create(a).json().get("id").asLong();
        long b2 = api.create(b).json().get("id").asLong();
        assertThat(List.of(a1, b1, a2, b2)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws IOException {
        Api.Creds c = account();
        assertThat(api.call(c, "GET", "/api/v8/partner/other", null).status()).isEqualTo(404);
        assertThat(api.call(c, "GET", "/", null).status()).isEqualTo(404);
        assertThat(api.call(c, "GET", Api.KEYS + "/1/extra", null).status()).isEqualTo(404);
        assertThat(api.call(c, "PUT", Api.KEYS, null).status()).isEqualTo(405);
        assertThat(api.call(c, "DELETE", Api.KEYS, null).status()).isEqualTo(405);
        assertThat(api.call(c, "GET", Api.KEYS + "/reset", null).status()).isEqualTo(405);
        assertThat(api.call(c, "GET", Api.KEYS + "/5", null).status()).isEqualTo(405);
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
    }

    @Test
    void concurrentCreatesNeverExceedTheLimit() throws Exception {
        Api.Creds c = account();
        List<java.util.concurrent.CompletableFuture<Integer>> calls = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                calls.add(
                        java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return api.create(c).status();
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                },
                                pool));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var call : calls) {
                statuses.add(call.get(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 400);
        }
        assertThat(sim.liveKeyIds(c.clientId())).hasSize(2);
    }
}
