package io.veryfikeys.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Veryfi's request signature as its Java SDK makes it: HMAC-SHA256, keyed with the client secret,
 * over the JSON body with a {@code "timestamp"} member (the header's milliseconds, as a string)
 * added last; a request without a body signs {@code {"timestamp":"<ms>"}}.
 */
final class RequestSigning {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestSigning() {}

    static String sign(String clientSecret, String jsonBodyOrNull, long timestampMillis) {
        try {
            ObjectNode payload =
                    jsonBodyOrNull == null || jsonBodyOrNull.isBlank()
                            ? JSON.createObjectNode()
                            : (ObjectNode) JSON.readTree(jsonBodyOrNull);
            payload.remove("timestamp");
            payload.put("timestamp", Long.toString(timestampMillis));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(
                    new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(
                            mac.doFinal(
                                    JSON.writeValueAsString(payload)
                                            .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalArgumentException("the request body must be a JSON object", e);
        }
    }
}
