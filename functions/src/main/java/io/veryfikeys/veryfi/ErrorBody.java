package io.veryfikeys.veryfi;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.JsonTree;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Veryfi's error body, read leniently: e.g. {@code
 * {"status":"fail","code":"LAST_KEY","message":"..."}}, but the member names are not pinned down,
 * so {@code code}, {@code error} and {@code message} may each be missing, and the body may not be
 * JSON at all. The HTTP status stays the primary signal; this only refines it.
 */
record ErrorBody(Optional<String> code, Optional<String> message) {
    private static final Pattern CODE_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,79}");
    private static final int MAX_MESSAGE = 200;

    static final ErrorBody EMPTY = new ErrorBody(Optional.empty(), Optional.empty());

    static ErrorBody parse(String body) {
        if (body == null || body.isBlank()) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = JsonTree.parse(body);
        } catch (Exception e) {
            // Not JSON (an HTML error page from a proxy, say). Deliberately not kept: its text is
            // unknown.
            return EMPTY;
        }
        if (root == null || !root.isObject()) {
            return EMPTY;
        }
        Optional<String> code = text(root, "code");
        Optional<String> error = text(root, "error");
        Optional<String> message = text(root, "message");
        if (code.isEmpty() && error.isPresent() && CODE_LIKE.matcher(error.get()).matches()) {
            code = error; // {"error":"KEY_LIMIT_REACHED"}
        } else if (message.isEmpty()) {
            message = error; // {"error":"Too many keys"}
        }
        if (code.isPresent() && !CODE_LIKE.matcher(code.get()).matches()) {
            if (message.isEmpty()) {
                message = code;
            }
            code = Optional.empty();
        }
        return new ErrorBody(
                code.map(c -> c.toUpperCase(Locale.ROOT)), message.map(ErrorBody::shorten));
    }

    boolean codeContains(String fragment) {
        return code.map(c -> c.contains(fragment)).orElse(false);
    }

    private static Optional<String> text(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        String value = node.asText().trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static String shorten(String message) {
        String oneLine = message.replaceAll("[\\p{Cntrl}]", " ");
        return oneLine.length() <= MAX_MESSAGE
                ? oneLine
                : oneLine.substring(0, MAX_MESSAGE) + "...";
    }
}
