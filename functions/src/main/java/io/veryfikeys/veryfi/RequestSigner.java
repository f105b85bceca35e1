package io.veryfikeys.veryfi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.SecretValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Veryfi's request signature: {@code X-Veryfi-Request-Signature} is
 * Base64(HMAC-SHA256(clientSecret, canonicalPayload)), where the canonical payload is the request
 * body as a JSON object ({@code {}} when there is none) with a {@code "timestamp"} member (the
 * same millisecond value as {@code X-Veryfi-Request-Timestamp}, as a string) appended last,
 * serialized as compact JSON by Jackson: e.g. {@code {"timestamp":"1700000000000"}}.
 */
final class RequestSigner {
    static final String ALGORITHM = "HmacSHA256";

    private RequestSigner() {
    }

    /** @param body the request body (a JSON object), or null/blank when there is none */
    static String canonicalPayload(String body, long timestampMillis) {
        ObjectNode payload;
        if (body == null || body.isBlank()) {
            payload = Json.MAPPER.createObjectNode();
        } else {
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("request body to sign is not JSON");
            }
            if (parsed == null || !parsed.isObject()) {
                throw new IllegalArgumentException("request body to sign is not a JSON object");
            }
            payload = ((ObjectNode) parsed).deepCopy();
        }
        payload.remove("timestamp");    // so that it is always the last member
        payload.put("timestamp", Long.toString(timestampMillis));
        try {
            return Json.MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the payload to sign", e);
        }
    }

    static String signature(SecretValue clientSecret, String canonicalPayload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(clientSecret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
            byte[] digest = mac.doFinal(canonicalPayload.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            // Never chain e: nothing in it is useful, and the secret must stay out of every message.
            throw new IllegalStateException("cannot compute " + ALGORITHM + " signature");
        }
    }

    static String sign(SecretValue clientSecret, String body, long timestampMillis) {
        return signature(clientSecret, canonicalPayload(body, timestampMillis));
    }
}
