package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.JsonTree;

import java.util.regex.Pattern;

/**
 * The template's rotation parameters as the rotation state machine passes them to Plan.
 *
 * <p>Why not environment variables: SAM's {@code AutoPublishAlias} publishes a new version only
 * when a function's code or literal properties change, and it hashes {@code Environment} without
 * resolving parameter references, so a changed parameter would reach {@code $LATEST} but never the
 * {@code live} alias that runs. CloudFormation does resolve a state machine's {@code
 * DefinitionSubstitutions} on every deploy, so values placed in the definition reach the next
 * execution. Substitutions arrive as strings (the ASL must stay valid JSON before they are filled
 * in); numbers are parsed here. {@code veryfiRequestsPerSecond} (the fleet-wide request budget,
 * veryfi.RequestBudget) is absent from definitions deployed before it existed: no pacing then.
 */
public record DeploySettings(
        RotationSettings rotation,
        String consumerRegistryPrefix,
        String secretNamePrefix,
        Integer veryfiRequestsPerSecond) {
    private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9/_.-]{0,200}[A-Za-z0-9_.-]");

    /**
     * The template's SecretNamePrefix pattern: ends with '/', so that "veryfi" cannot also cover
     * "veryfi-prod-db".
     */
    private static final Pattern SECRET_PREFIX = Pattern.compile("[A-Za-z0-9/_+=.@-]{0,199}/");

    public static DeploySettings from(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(
                    "the Plan step's input has no deploySettings object: the rotation state "
                            + "machine passes the template's settings to Plan (deploy statemachine/rotation.asl.json with template.yaml)");
        }
        String prefix =
                matching(
                        PREFIX,
                        text(node, "consumerRegistryPrefix"),
                        "deploySettings.consumerRegistryPrefix must be an SSM path such as "
                                + "/veryfi-key-rotation/consumers");
        String secretPrefix = secretNamePrefix(node);
        return new DeploySettings(
                new RotationSettings(
                        number(node, "pollIntervalSeconds"),
                        number(node, "requiredHealthyPolls"),
                        number(node, "pollTimeoutSeconds"),
                        number(node, "gracePeriodSeconds")),
                prefix,
                secretPrefix,
                node.has("veryfiRequestsPerSecond")
                        ? number(node, "veryfiRequestsPerSecond", 1, 60)
                        : null);
    }

    /**
     * deploySettings.secretNamePrefix, as both state machines pass it: the template's pattern,
     * ending with '/'.
     */
    static String secretNamePrefix(JsonNode node) {
        return matching(
                SECRET_PREFIX,
                text(node, "secretNamePrefix"),
                "deploySettings.secretNamePrefix must be a secret name prefix ending with '/', such"
                        + " as veryfi/");
    }

    private static String matching(Pattern pattern, String value, String rule) {
        if (!pattern.matcher(value).matches()) {
            throw new InvalidInputException(rule + ", got " + value);
        }
        return value;
    }

    static int number(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value != null && value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (value != null && value.isTextual()) {
            try {
                return Integer.parseInt(value.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new InvalidInputException(
                "deploySettings."
                        + name
                        + " must be a whole number, got "
                        + (value == null ? "nothing" : JsonTree.text(value)));
    }

    /** {@link #number}, refused outside {@code min..max} (the template's own bounds). */
    static int number(JsonNode node, String name, int min, int max) {
        int value = number(node, name);
        if (value < min || value > max) {
            throw new InvalidInputException(
                    "deploySettings."
                            + name
                            + " must be between "
                            + min
                            + " and "
                            + max
                            + ", got "
                            + value);
        }
        return value;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidInputException(
                    "deploySettings." + name + " must be a non-empty string");
        }
        return value.asText();
    }
}
