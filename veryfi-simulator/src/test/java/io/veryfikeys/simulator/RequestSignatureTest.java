package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestSignatureTest {

    @Test
    void bodylessRequestSignsTimestampOnly() {
        assertThat(RequestSignature.canonicalPayload("", 1700000000000L))
                .isEqualTo("{\"timestamp\":\"1700000000000\"}");
        assertThat(RequestSignature.canonicalPayload(null, 1700000000000L))
                .isEqualTo("{\"timestamp\":\"1700000000000\"}");
        // Independent vector (Python hmac/hashlib/base64).
        assertThat(RequestSignature.sign("s3cr3t", "", 1700000000000L))
                .isEqualTo("BAao2m0/oOomPhGYv9OdW1G8Z+FjprflAUlzePAl6gs=");
    }

    @Test
    void bodyMembersKeepTheirOrderAndTimestampComesLastCompact() {
        assertThat(
                        RequestSignature.canonicalPayload(
                                "{ \"description\" : \"x\", \"n\": 1 }", 1700000000000L))
                .isEqualTo("{\"description\":\"x\",\"n\":1,\"timestamp\":\"1700000000000\"}");
        assertThat(RequestSignature.canonicalPayload("{\"timestamp\":\"old\",\"a\":true}", 5L))
                .isEqualTo("{\"a\":true,\"timestamp\":\"5\"}");
        assertThat(
                        RequestSignature.sign(
                                "s3cr3t", "{\"description\": \"x\", \"n\": 1}", 1700000000000L))
                .isEqualTo("uR2OZOfd+O8u4BcZAUpXhnWSinwH0zr7Nfn/lcJihqw=");
    }

    @Test
    void nonObjectBodiesAreRejected() {
        assertThatThrownBy(() -> RequestSignature.sign("s", "[1,2]", 1L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestSignature.sign("s", "{not json", 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pairsSignsTimestampThenEachMember() {
        assertThat(RequestSignature.pairsPayload("", 1700000000000L))
                .isEqualTo("timestamp:1700000000000");
        assertThat(
                        RequestSignature.pairsPayload(
                                "{\"description\": \"x\", \"n\": 1}", 1700000000000L))
                .isEqualTo("timestamp:1700000000000,description:x,n:1");
        // Independent vectors (Python hmac/hashlib/base64 over the strings above, key "s3cr3t").
        assertThat(
                        RequestSignature.sign(
                                RequestSignature.Scheme.PAIRS, "s3cr3t", "", 1700000000000L))
                .isEqualTo("hE3Ugycy1JMXqvVtz0keL49soq4Z/KZR1kjC9eC9vrw=");
        assertThat(
                        RequestSignature.sign(
                                RequestSignature.Scheme.PAIRS,
                                "s3cr3t",
                                "{\"description\": \"x\", \"n\": 1}",
                                1700000000000L))
                .isEqualTo("q0YCGsVkdaYUBQwkbF0tTlw9tKoar1M4/ouI0bqG7fM=");
    }
}
