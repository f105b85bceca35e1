package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthTest extends SimulatorTestBase {

    private static void assertUnauthorized(Api.Resp r, String code, Api.Creds c) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("status").asText()).isEqualTo("fail");
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain(c.key());
        if (c.secret() != null) {
            assertThat(r.body()).doesNotContain(c.secret());
        }
    }

    @Test
    void validKeyIsAccepted() throws IOException {
        Api.Creds c = account();
        assertThat(api.list(c).status()).isEqualTo(200);
    }

    @Test
    void unknownOrMissingClientIdIsRejected() throws IOException {
        Api.Creds c = account();
        assertUnauthorized(
                api.list(new Api.Creds("nobody", c.username(), c.key(), null)), "UNAUTHORIZED", c);
        Map<String, String> headers = Api.authHeaders(c, null, 0);
        headers.remove("CLIENT-ID");
        assertUnauthorized(api.send("GET", Api.KEYS, headers, null), "UNAUTHORIZED", c);
    }

    @Test
    void wrongUsernameIsRejected() throws IOException {
        Api.Creds c = account();
        assertUnauthorized(
                api.list(new Api.Creds(c.clientId(), "someone-else", c.key(), null)),
                "UNAUTHORIZED",
                c);
    }

    @Test
    void keyThatIsNotLiveIsRejected() throws IOException {
        Api.Creds c = account();
        Api.Creds other = account();
        assertUnauthorized(
                api.list(c.withKey("0123456789abcdef0123456789abcdef")), "UNAUTHORIZED", c);
        // a live key of ANOTHER account does not work either
        assertUnauthorized(api.list(c.withKey(other.key())), "UNAUTHORIZED", other);
        // a deleted key stops working
        Api.Resp created = api.create(c);
        api.delete(
                c.withKey(created.json().get("value").asText()),
                sim.liveKeyIds(c.clientId()).get(0));
        assertUnauthorized(api.list(c), "UNAUTHORIZED", c);
    }

    @Test
    void malformedOrMissingAuthorizationIsRejected() throws IOException {
        Api.Creds c = account();
        for (String value :
                new String[] {
                    "Bearer " + c.key(), "apikey " + c.key(), "apikey " + c.username() + ":", ""
                }) {
            Map<String, String> headers = Api.authHeaders(c, null, 0);
            if (value.isEmpty()) {
                headers.remove("AUTHORIZATION");
            } else {
                headers.put("AUTHORIZATION", value);
            }
            assertUnauthorized(api.send("GET", Api.KEYS, headers, null), "UNAUTHORIZED", c);
        }
    }

    @Test
    void goodSignatureIsAcceptedWithAndWithoutBody() throws IOException {
        Api.Creds c = signedAccount();
        assertThat(api.list(c).status()).isEqualTo(200);
        Api.Resp created = api.call(c, "POST", Api.KEYS, "{\"description\": \"rotation\"}");
        assertThat(created.status()).isEqualTo(201);
    }

    @Test
    void missingOrBadSignatureIsRejected() throws IOException {
        Api.Creds c = signedAccount();
        long now = System.currentTimeMillis();

        Map<String, String> noSignature = Api.authHeaders(c, null, now);
        noSignature.remove("X-Veryfi-Request-Signature");
        assertUnauthorized(api.send("GET", Api.KEYS, noSignature, null), "INVALID_SIGNATURE", c);

        Map<String, String> noTimestamp = Api.authHeaders(c, null, now);
        noTimestamp.remove("X-Veryfi-Request-Timestamp");
        assertUnauthorized(api.send("GET", Api.KEYS, noTimestamp, null), "INVALID_SIGNATURE", c);

        Map<String, String> wrongSecret = Api.authHeaders(c, null, now);
        wrongSecret.put(
                "X-Veryfi-Request-Signature", RequestSignature.sign("not-the-secret", null, now));
        assertUnauthorized(api.send("GET", Api.KEYS, wrongSecret, null), "INVALID_SIGNATURE", c);

        Map<String, String> otherTimestamp = Api.authHeaders(c, null, now);
        otherTimestamp.put("X-Veryfi-Request-Timestamp", Long.toString(now + 1));
        assertUnauthorized(api.send("GET", Api.KEYS, otherTimestamp, null), "INVALID_SIGNATURE", c);

        Map<String, String> garbageTimestamp = Api.authHeaders(c, null, now);
        garbageTimestamp.put("X-Veryfi-Request-Timestamp", "yesterday");
        assertUnauthorized(
                api.send("GET", Api.KEYS, garbageTimestamp, null), "INVALID_SIGNATURE", c);

        // signed for one body, sent with another
        Map<String, String> otherBody = Api.authHeaders(c, "{\"a\":1}", now);
        assertUnauthorized(
                api.send("POST", Api.KEYS, otherBody, "{\"a\":2}"), "INVALID_SIGNATURE", c);

        assertThat(sim.liveKeyIds(c.clientId())).hasSize(1);
        assertThat(sim.requests()).allSatisfy(r -> assertThat(r.keyId()).isNull());
    }

    /**
     * Veryfi's Java SDK signs the JSON payload, its Python and Node.js clients key:value pairs:
     * Veryfi takes both.
     */
    @Test
    void bothSchemesVeryfisClientsUseAreAccepted() throws IOException {
        Api.Creds c = signedAccount();
        for (RequestSignature.Scheme scheme : RequestSignature.Scheme.values()) {
            long now = System.currentTimeMillis();
            Map<String, String> headers = Api.authHeaders(c, null, now);
            headers.put(
                    "X-Veryfi-Request-Signature",
                    RequestSignature.sign(scheme, c.secret(), null, now));
            assertThat(api.send("GET", Api.KEYS, headers, null).status())
                    .as(scheme.name())
                    .isEqualTo(200);
        }
    }

    @Test
    void anAccountMadeToAcceptOneSchemeRefusesTheOther() throws IOException {
        sim.createAccount("pairs-only", "bot", "pairs-secret", RequestSignature.Scheme.PAIRS);
        long now = System.currentTimeMillis();
        Api.Creds c =
                new Api.Creds(
                        "pairs-only", "bot", sim.addKey("pairs-only").value(), "pairs-secret");
        Map<String, String> pairs = Api.authHeaders(c, null, now);
        pairs.put(
                "X-Veryfi-Request-Signature",
                RequestSignature.sign(RequestSignature.Scheme.PAIRS, "pairs-secret", null, now));
        assertThat(api.send("GET", Api.KEYS, pairs, null).status()).isEqualTo(200);
        assertUnauthorized(
                api.send("GET", Api.KEYS, Api.authHeaders(c, null, now), null),
                "INVALID_SIGNATURE",
                c);
    }

    /**
     * "Signatures are valid for 30 minutes from the time of generation" (Veryfi, Signature &
     * Timestamp Headers).
     */
    @Test
    void aSignatureOlderThanThirtyMinutesIsRefused() throws IOException {
        Api.Creds c = signedAccount();
        long stale = System.currentTimeMillis() - RequestSignature.VALIDITY.toMillis() - 60_000;
        assertUnauthorized(
                api.send("GET", Api.KEYS, Api.authHeaders(c, null, stale), null),
                "INVALID_SIGNATURE",
                c);
        long fresh = System.currentTimeMillis() - RequestSignature.VALIDITY.toMillis() + 60_000;
        assertThat(api.send("GET", Api.KEYS, Api.authHeaders(c, null, fresh), null).status())
                .isEqualTo(200);
    }

    @Test
    void accountWithoutSecretIgnoresSignatureHeaders() throws IOException {
        Api.Creds c = account();
        Map<String, String> headers = Api.authHeaders(c, null, 0);
        headers.put("X-Veryfi-Request-Timestamp", "1");
        headers.put("X-Veryfi-Request-Signature", "garbage");
        assertThat(api.send("GET", Api.KEYS, headers, null).status()).isEqualTo(200);
    }
}
