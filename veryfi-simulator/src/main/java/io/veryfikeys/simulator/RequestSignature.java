package io.veryfikeys.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The request-signing rules the simulator enforces. Veryfi's own clients sign in two ways and both
 * work against Veryfi, so Veryfi accepts both, and so does the simulator unless an account is made
 * to accept only one ({@link VeryfiSimulator#createAccount(String, String, String, Scheme)}).
 * Signatures are valid for 30 minutes from their timestamp (Veryfi's "Signature &amp; Timestamp
 * Headers" page).
 *
 * <p>{@link Scheme#JSON} (Veryfi's Java SDK):
 *
 * <ol>
 *   <li>parse the request body as a JSON object; an empty (or null / blank) body is {@code {}};
 *   <li>set a member {@code "timestamp"} to the timestamp header value <em>as a string</em>, as the
 *       last member (an existing {@code "timestamp"} member is removed first);
 *   <li>serialize compactly with Jackson's default {@link ObjectMapper} (no spaces);
 *   <li>signature = Base64(HMAC-SHA256(key = clientSecret UTF-8 bytes, data = payload UTF-8
 *       bytes)).
 * </ol>
 *
 * Example: a bodyless request at 1700000000000 signs {@code {"timestamp":"1700000000000"}}.
 *
 * <p>{@link Scheme#PAIRS} (Veryfi's Python and Node.js clients and the API docs): the string {@code
 * timestamp:<ms>}, then {@code ,key:value} for each top-level member of the body, in order (a
 * string as its text, anything else as its JSON). A bodyless request signs {@code
 * timestamp:1700000000000}.
 */
public final class RequestSignature {

    /** The two payloads Veryfi's clients sign. */
    public enum Scheme {
        JSON,
        PAIRS
    }

    /** How long a signature stays valid after its timestamp, either way (clocks drift). */
    public static final java.time.Duration VALIDITY = java.time.Duration.ofMinutes(30);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RequestSignature() {}

    /**
     * @return Base64 HMAC-SHA256 signature for the given body and timestamp
     * @throws IllegalArgumentException if the body is not empty and not a JSON object
     */
    public static String sign(String clientSecret, String bodyJsonOrEmpty, long timestampMillis) {
        return sign(Scheme.JSON, clientSecret, bodyJsonOrEmpty, timestampMillis);
    }

    public static String sign(
            Scheme scheme, String clientSecret, String bodyJsonOrEmpty, long timestampMillis) {
        Objects.requireNonNull(clientSecret, "clientSecret");
        String payload =
                scheme == Scheme.PAIRS
                        ? pairsPayload(bodyJsonOrEmpty, timestampMillis)
                        : canonicalPayload(bodyJsonOrEmpty, timestampMillis);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(
                    new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * @return the exact string that is signed, e.g. {@code {"a":1,"timestamp":"1700000000000"}}
     * @throws IllegalArgumentException if the body is not empty and not a JSON object
     */
    public static String canonicalPayload(String bodyJsonOrEmpty, long timestampMillis) {
        ObjectNode node = bodyObject(bodyJsonOrEmpty);
        node.remove("timestamp");
        node.put("timestamp", Long.toString(timestampMillis));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@link Scheme#PAIRS} payload, e.g. {@code timestamp:1700000000000,name:x}. */
    public static String pairsPayload(String bodyJsonOrEmpty, long timestampMillis) {
        StringBuilder payload = new StringBuilder("timestamp:").append(timestampMillis);
        bodyObject(bodyJsonOrEmpty)
                .fields()
                .forEachRemaining(
                        f -> {
                            if (!f.getKey().equals("timestamp")) {
                                payload.append(',')
                                        .append(f.getKey())
                                        .append(':')
                                        .append(
                                                f.getValue().isTextual()
                                                        ? f.getValue().asText()
                                                        : f.getValue().toString());
                            }
                        });
        return payload.toString();
    }

    private static ObjectNode bodyObject(String bodyJsonOrEmpty) {
        if (bodyJsonOrEmpty == null || bodyJsonOrEmpty.isBlank()) {
            return MAPPER.createObjectNode();
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(bodyJsonOrEmpty);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body is not valid JSON");
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new IllegalArgumentException("request body is not a JSON object");
        }
        return object;
    }
}
