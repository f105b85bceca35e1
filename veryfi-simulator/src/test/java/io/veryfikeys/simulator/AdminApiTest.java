package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminApiTest extends SimulatorTestBase {

    @Test
    void createAccountReturnsTheFirstKeyAndListsIds() throws IOException {
        Api.Resp created =
                api.admin(
                        "POST",
                        "/accounts",
                        "{\"clientId\":\"demo\",\"username\":\"demo-user\",\"clientSecret\":\"s3cr3t\"}");
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        String value = created.json().get("value").asText();
        assertThat(value).matches("[0-9a-f]{32}");
        assertThat(sim.isLive("demo", value)).isTrue();

        Api.Creds c = new Api.Creds("demo", "demo-user", value, "s3cr3t");
        assertThat(api.list(c).status()).isEqualTo(200); // secret is enforced
        assertThat(api.list(new Api.Creds("demo", "demo-user", value, null)).code())
                .isEqualTo("INVALID_SIGNATURE");

        Api.Resp keys = api.admin("GET", "/accounts/demo/keys", null);
        assertThat(keys.status()).isEqualTo(200);
        assertThat(keys.json().get("ids")).hasSize(1);
        assertThat(keys.json().get("ids").get(0).asLong()).isEqualTo(id);
        assertThat(keys.body()).doesNotContain(value);

        Api.Resp duplicate =
                api.admin("POST", "/accounts", "{\"clientId\":\"demo\",\"username\":\"x\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(api.admin("GET", "/accounts/nobody/keys", null).status()).isEqualTo(404);
    }

    @Test
    void badAccountInputIs400WithASpecificMessage() throws IOException {
        assertBad(api.admin("POST", "/accounts", "{\"username\":\"u\"}"), "clientId");
        assertBad(api.admin("POST", "/accounts", "{\"clientId\":\"c\"}"), "username");
        assertBad(
                api.admin(
                        "POST",
                        "/accounts",
                        "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"x\"}"),
                "apiKey");
        assertBad(
                api.admin("POST", "/accounts", "{\"clientId\":5,\"username\":\"u\"}"), "clientId");
        assertBad(api.admin("POST", "/accounts", "not json"), "JSON");
        assertBad(api.admin("POST", "/accounts", ""), "body");
        assertThat(sim.hasAccount("c")).isFalse();
    }

    @Test
    void faultsCanBeInjectedListedAndCleared() throws IOException {
        Api.Creds c = account();
        Api.Resp injected =
                api.admin(
                        "POST",
                        "/faults",
                        "{\"endpoint\":\"CREATE\",\"kind\":\"RATE_LIMIT\",\"status\":503,\"retryAfterSeconds\":1,"
                                + "\"latencyMillis\":0,\"count\":2,\"probability\":null,\"clientId\":null}");
        assertThat(injected.status()).isEqualTo(201);
        assertThat(injected.json().get("fault").asText()).contains("RATE_LIMIT");
        assertThat(api.admin("GET", "/faults", null).json().get("faults")).hasSize(1);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api.Resp r = api.create(c);
            statuses.add(r.status());
            if (r.status() == 429) {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            }
        }
        assertThat(statuses).containsExactly(429, 429, 201);

        assertThat(
                        api.admin(
                                        "POST",
                                        "/faults",
                                        "{\"endpoint\":\"list\",\"kind\":\"server_error\",\"status\":504,\"always\":true,\"clientId\":\""
                                                + c.clientId()
                                                + "\"}")
                                .status())
                .isEqualTo(201);
        assertThat(api.list(c).status()).isEqualTo(504);
        assertThat(api.list(c).status()).isEqualTo(504);
        assertThat(api.admin("DELETE", "/faults", null).status()).isEqualTo(204);
        assertThat(api.list(c).status()).isEqualTo(200);

        assertThat(
                        api.admin(
                                        "POST",
                                        "/faults",
                                        "{\"endpoint\":\"DELETE\",\"kind\":\"DROP\",\"probability\":1.0}")
                                .status())
                .isEqualTo(201);
        assertThat(sim.faults())
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.kind()).isEqualTo(FaultKind.DROP);
                            assertThat(f.probability()).isEqualTo(1.0);
                        });
    }

    @Test
    void badFaultInputIs400WithASpecificMessage() throws IOException {
        assertBad(api.admin("POST", "/faults", "{\"kind\":\"DROP\"}"), "endpoint");
        assertBad(
                api.admin("POST", "/faults", "{\"endpoint\":\"CREATE\",\"kind\":\"EXPLODE\"}"),
                "kind must be one of");
        assertBad(
                api.admin("POST", "/faults", "{\"endpoint\":\"NOWHERE\",\"kind\":\"DROP\"}"),
                "endpoint must be one of");
        assertBad(
                api.admin(
                        "POST",
                        "/faults",
                        "{\"endpoint\":\"ANY\",\"kind\":\"SERVER_ERROR\",\"status\":404}"),
                "status");
        assertBad(
                api.admin("POST", "/faults", "{\"endpoint\":\"ANY\",\"kind\":\"LATENCY\"}"),
                "latencyMillis");
        assertBad(
                api.admin(
                        "POST", "/faults", "{\"endpoint\":\"ANY\",\"kind\":\"DROP\",\"count\":0}"),
                "count");
        assertBad(
                api.admin(
                        "POST",
                        "/faults",
                        "{\"endpoint\":\"ANY\",\"kind\":\"DROP\",\"count\":2,\"probability\":0.5}"),
                "only one");
        assertBad(
                api.admin(
                        "POST",
                        "/faults",
                        "{\"endpoint\":\"ANY\",\"kind\":\"DROP\",\"probability\":2}"),
                "probability");
        assertBad(
                api.admin(
                        "POST", "/faults", "{\"endpoint\":\"ANY\",\"kind\":\"DROP\",\"times\":2}"),
                "times");
        assertThat(sim.faults()).isEmpty();
    }

    @Test
    void requestsAreListedAndCleared() throws IOException {
        Api.Creds c = account();
        long keyId = sim.liveKeyIds(c.clientId()).get(0);
        api.list(c);
        Api.Resp listed = api.admin("GET", "/requests", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().get("requests"))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.get("method").asText()).isEqualTo("GET");
                            assertThat(r.get("path").asText()).isEqualTo(Api.KEYS);
                            assertThat(r.get("clientId").asText()).isEqualTo(c.clientId());
                            assertThat(r.get("keyId").asLong()).isEqualTo(keyId);
                            assertThat(r.get("status").asInt()).isEqualTo(200);
                            assertThat(r.get("fault").isNull()).isTrue();
                            assertThat(r.get("at").asText()).isNotBlank();
                        });
        assertThat(listed.body()).doesNotContain(c.key());
        assertThat(api.admin("DELETE", "/requests", null).status()).isEqualTo(204);
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void resetHealthAndUnknownRoutes() throws IOException {
        account();
        assertThat(api.admin("GET", "/health", null).json().get("status").asText()).isEqualTo("ok");
        assertThat(api.admin("POST", "/reset", null).status()).isEqualTo(204);
        assertThat(api.admin("GET", "/nothing", null).status()).isEqualTo(404);
        assertThat(api.admin("PUT", "/faults", null).status()).isEqualTo(405);
        assertThat(api.admin("GET", "/accounts", null).status()).isEqualTo(405);
    }

    private static void assertBad(Api.Resp r, String messagePart) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains(messagePart);
    }
}
