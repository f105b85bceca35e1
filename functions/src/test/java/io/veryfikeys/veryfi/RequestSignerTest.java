package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestSignerTest {
    private static final SecretValue SECRET = SecretValue.of("test-client-secret");

    /** Computed independently: HMAC-SHA256 by javax.crypto over a hand-written payload. */
    private static String hmac(String key, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder()
                .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void noBodySignsTheTimestampAloneAsAString() {
        assertThat(RequestSigner.canonicalPayload(null, 1_700_000_000_000L))
                .isEqualTo("{\"timestamp\":\"1700000000000\"}");
        assertThat(RequestSigner.canonicalPayload("", 1_700_000_000_000L))
                .isEqualTo("{\"timestamp\":\"1700000000000\"}");
        assertThat(RequestSigner.canonicalPayload("{}", 1_700_000_000_000L))
                .isEqualTo("{\"timestamp\":\"1700000000000\"}");
    }

    @Test
    void bodyMembersComeFirstCompactAndTimestampLast() {
        assertThat(RequestSigner.canonicalPayload("{ \"b\" : 2, \"a\" : [1, \"x\"] }", 42L))
                .isEqualTo("{\"b\":2,\"a\":[1,\"x\"],\"timestamp\":\"42\"}");
        assertThat(RequestSigner.canonicalPayload("{\"timestamp\":\"1\",\"a\":1}", 42L))
                .isEqualTo("{\"a\":1,\"timestamp\":\"42\"}");
    }

    @Test
    void signatureMatchesAKnownVector() throws Exception {
        String payload = "{\"timestamp\":\"1700000000000\"}";
        // openssl: printf '%s' "$payload" | openssl dgst -sha256 -hmac test-client-secret -binary |
        // base64
        String known = "3B1VcfnsQ1+VxhngvhFVu21LjRALZoB7BGla+AeRKWY=";
        assertThat(hmac("test-client-secret", payload)).isEqualTo(known);
        assertThat(RequestSigner.sign(SECRET, null, 1_700_000_000_000L)).isEqualTo(known);
        assertThat(RequestSigner.signature(SECRET, payload)).isEqualTo(known);
    }

    @Test
    void signatureWithBodyMatchesIndependentHmac() throws Exception {
        String expected =
                hmac("test-client-secret", "{\"name\":\"x\",\"timestamp\":\"1700000000123\"}");
        assertThat(RequestSigner.sign(SECRET, "{\"name\":\"x\"}", 1_700_000_000_123L))
                .isEqualTo(expected);
        assertThat(
                        RequestSigner.sign(
                                SecretValue.of("other"), "{\"name\":\"x\"}", 1_700_000_000_123L))
                .isNotEqualTo(expected);
        assertThat(RequestSigner.sign(SECRET, "{\"name\":\"x\"}", 1_700_000_000_124L))
                .isNotEqualTo(expected);
    }

    @Test
    void rejectsANonObjectBody() {
        assertThatThrownBy(() -> RequestSigner.canonicalPayload("[1]", 1L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestSigner.canonicalPayload("not json", 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The {@code pairs} scheme (Veryfi's Python and Node.js clients, the API docs) against vectors
     * computed outside this code base, with Python's standard library: {@code
     * base64.b64encode(hmac.new(b"test-client-secret", p.encode(), hashlib.sha256).digest())} for p
     * = "timestamp:1700000000000" and "timestamp:1700000000123,name:x".
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            nullValues = "NONE",
            value = {
                "NONE              | 1700000000000 | timestamp:1700000000000        | SiHWDVbk3nCes2QveJXSiP6P3VXQfrmMrL8qmOLkKVo=",
                "{}                | 1700000000000 | timestamp:1700000000000        | SiHWDVbk3nCes2QveJXSiP6P3VXQfrmMrL8qmOLkKVo=",
                "{\"name\":\"x\"}  | 1700000000123 | timestamp:1700000000123,name:x | f50x+lJuyWzc9ORzoxJ1odUAa6jRi+xAOjlKtTo+7jE=",
            })
    void pairsSignsTimestampThenEachMemberAsKeyColonValue(
            String body, long timestamp, String payload, String vector) {
        assertThat(RequestSigner.pairsPayload(body, timestamp)).isEqualTo(payload);
        assertThat(RequestSigner.sign(SigningScheme.PAIRS, SECRET, body, timestamp))
                .isEqualTo(vector);
    }

    @org.junit.jupiter.api.Test
    void jsonIsTheJavaSdksSchemeAndTheDefault() {
        // the same vector as signatureMatchesAKnownVector: {"timestamp":"1700000000000"}
        assertThat(RequestSigner.sign(SigningScheme.JSON, SECRET, null, 1_700_000_000_000L))
                .isEqualTo("3B1VcfnsQ1+VxhngvhFVu21LjRALZoB7BGla+AeRKWY=");
        assertThat(
                        new VeryfiAccount(
                                        java.net.URI.create("https://veryfi.test"),
                                        "c",
                                        "u",
                                        java.util.Optional.empty())
                                .signing())
                .isEqualTo(SigningScheme.JSON);
    }
}
