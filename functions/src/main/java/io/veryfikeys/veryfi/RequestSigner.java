package io.veryfikeys.veryfi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.support.HmacSha256;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.SecretValue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Veryfi's request signature: {@code X-Veryfi-Request-Signature} is
 * Base64(HMAC-SHA256(clientSecret, payload)), where the payload depends on the account's {@link
 * SigningScheme}: for {@code json}, the request body as a JSON object ({@code {}} when there is
 * none) with a {@code "timestamp"} member (the same millisecond value as {@code
 * X-Veryfi-Request-Timestamp}, as a string) appended last, serialized as compact JSON: {@code
 * {"timestamp":"1700000000000"}}; for {@code pairs}, {@code timestamp:<ms>} and then {@code
 * ,key:value} per top-level body member: {@code timestamp:1700000000000}.
 */
final class RequestSigner {
    private RequestSigner() {}

    /**
     * @param body the request body (a JSON object), or null/blank when there is none
     */
    static String canonicalPayload(String body, long timestampMillis) {
        ObjectNode payload = bodyObject(body);
        payload.remove("timestamp"); // so that it is always the last member
        payload.put("timestamp", Long.toString(timestampMillis));
        return JsonTree.text(payload);
    }

    /** The body as a JSON object of its own ({@code {}} without one). */
    private static ObjectNode bodyObject(String body) {
        if (body == null || body.isBlank()) {
            return JsonTree.object();
        }
        JsonNode parsed;
        try {
            parsed = JsonTree.parse(body);
        } catch (JsonTree.NotJsonException e) {
            throw new IllegalArgumentException("request body to sign is not JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("request body to sign is not a JSON object");
        }
        return ((ObjectNode) parsed).deepCopy();
    }

    static String signature(SecretValue clientSecret, String canonicalPayload) {
        byte[] digest =
                HmacSha256.of(
                        clientSecret.reveal().getBytes(StandardCharsets.UTF_8),
                        canonicalPayload.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * The {@code pairs} payload. A string member is signed as its text, any other value as its
     * compact JSON (Veryfi's Python client would write a nested value as Python's repr; none of the
     * key-management requests has a body, so none is signed here).
     */
    static String pairsPayload(String body, long timestampMillis) {
        StringBuilder payload = new StringBuilder("timestamp:").append(timestampMillis);
        bodyObject(body)
                .fields()
                .forEachRemaining(
                        field -> {
                            if (!field.getKey().equals("timestamp")) {
                                JsonNode value = field.getValue();
                                payload.append(',')
                                        .append(field.getKey())
                                        .append(':')
                                        .append(
                                                value.isTextual()
                                                        ? value.asText()
                                                        : JsonTree.text(value));
                            }
                        });
        return payload.toString();
    }

    static String sign(SecretValue clientSecret, String body, long timestampMillis) {
        return sign(SigningScheme.JSON, clientSecret, body, timestampMillis);
    }

    static String sign(
            SigningScheme scheme, SecretValue clientSecret, String body, long timestampMillis) {
        return signature(
                clientSecret,
                scheme == SigningScheme.PAIRS
                        ? pairsPayload(body, timestampMillis)
                        : canonicalPayload(body, timestampMillis));
    }
}
