package io.veryfikeys.veryfi;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.SecretValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What Veryfi's answers mean: the key ids or keys in a 2xx body, and the typed exception for an
 * error status. Parse errors never carry the body or Jackson's message (which quotes the offending
 * token): on create/reset that text is key material.
 */
final class VeryfiAnswers {
    private VeryfiAnswers() {}

    /** A non-retryable, non-2xx status: the typed exception for it. */
    static VeryfiException classify(
            VeryfiKeysClient.Operation op, int status, ErrorBody error, String message) {
        if (status == 400) {
            if (error.codeContains("LIMIT")) {
                return new KeyLimitReachedException(message, status, null);
            }
            if (error.codeContains("LAST")) {
                return new LastKeyException(message, status, null);
            }
            if (error.code().isEmpty()) {
                // Veryfi's documented 400s for these two operations; the status is the primary
                // signal.
                if (op == VeryfiKeysClient.Operation.CREATE) {
                    return new KeyLimitReachedException(message, status, null);
                }
                if (op == VeryfiKeysClient.Operation.DELETE) {
                    return new LastKeyException(message, status, null);
                }
            }
            return new VeryfiRequestException(message, status, null);
        }
        if (status == 403) {
            return new VeryfiForbiddenException(message, status, null);
        }
        if (status == 401) {
            return new VeryfiAuthException(message, status, null);
        }
        if (status == 404) {
            return new KeyNotFoundException(message, status, null);
        }
        if (status >= 400 && status < 500) {
            return new VeryfiRequestException(message, status, null);
        }
        // 1xx/3xx (redirects are not followed) or anything else unexpected.
        return new MalformedResponseException(message + ": unexpected HTTP status", status, null);
    }

    static List<Long> parseKeyIds(String body, String trace) {
        JsonNode root = readJson(body);
        JsonNode keys = root.isArray() ? root : root.get("api_keys");
        if (keys == null || !keys.isArray()) {
            throw malformed("no \"api_keys\" array");
        }
        List<Long> ids = new ArrayList<>(keys.size());
        for (JsonNode key : keys) {
            Long id = key.isObject() ? id(key.get("id")) : id(key);
            if (id == null) {
                throw malformed("an entry of \"api_keys\" has no readable \"id\"");
            }
            ids.add(id);
        }
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    static ApiKey parseCreatedKey(String body, String trace) {
        JsonNode root = readJson(body);
        if (root.isObject() && root.get("id") == null && root.path("api_key").isObject()) {
            root = root.get("api_key");
        }
        return apiKey(root);
    }

    static List<ApiKey> parseResetKeys(String body, String trace) {
        JsonNode root = readJson(body);
        JsonNode keys = root.isArray() ? root : root.get("api_keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw malformed("no non-empty \"api_keys\" array");
        }
        List<ApiKey> result = new ArrayList<>(keys.size());
        for (JsonNode key : keys) {
            result.add(apiKey(key));
        }
        return List.copyOf(result);
    }

    private static ApiKey apiKey(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw malformed("a key is not a JSON object");
        }
        Long id = id(node.get("id"));
        if (id == null) {
            throw malformed("a key has no readable \"id\"");
        }
        JsonNode value = node.get("value");
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw malformed("key " + id + " has no \"value\"");
        }
        return new ApiKey(id, SecretValue.of(value.asText()));
    }

    private static Long id(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual() && node.asText().matches("\\d{1,18}")) {
            return Long.parseLong(node.asText());
        }
        return null;
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            throw malformed("empty body");
        }
        try {
            JsonNode root = JsonTree.parse(body);
            if (root == null || !root.isContainerNode()) {
                throw malformed("body is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw malformed("body is not JSON");
        }
    }

    private static MalformedResponseException malformed(String why) {
        return new MalformedResponseException(why, 0, null);
    }
}
