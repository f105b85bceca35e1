package io.veryfikeys.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses fields that a request does not know: a typo such as {@code gracePeriodSecond} would
 * otherwise be ignored and the rotation run with the default. The field is named only when it looks
 * like a field name: the input could hold anything, a key value included.
 */
public final class Fields {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Fields() {}

    /**
     * Throws {@link InvalidInputException} if {@code object} has a field outside {@code accepted}.
     */
    public static void requireKnown(JsonNode object, String where, Collection<String> accepted) {
        if (object == null || !object.isObject()) {
            return;
        }
        object.fieldNames()
                .forEachRemaining(
                        name -> {
                            if (!accepted.contains(name)) {
                                throw new InvalidInputException(
                                        where
                                                + ": "
                                                + unknown(
                                                        name, accepted.stream().sorted().toList()));
                            }
                        });
    }

    public static String unknown(String name, List<String> accepted) {
        String field =
                name != null && NAME.matcher(name).matches() ? "\"" + name + "\"" : "a field";
        return "unknown field " + field + "; accepted: " + String.join(", ", accepted);
    }
}
