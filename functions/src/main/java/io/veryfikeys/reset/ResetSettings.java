package io.veryfikeys.reset;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Parameters;

import java.util.function.Supplier;

/**
 * The reset's setting, read on every invocation from the SSM parameter that each deploy writes
 * ({@code ResetSettingsParameter} in template.yaml). Not from the environment: SAM's
 * AutoPublishAlias publishes no new version when only a parameter's value changes, so the live
 * alias would keep the value of the first deploy.
 *
 * <p>A reset must not fail for want of its setting: if the parameter cannot be read or is
 * malformed, one key is kept (the safer choice in an incident: nothing spare stays live) and the
 * reason goes into the alert.
 */
public final class ResetSettings {
    private static final Log LOG = Log.get(ResetSettings.class);

    /**
     * How many keys the reset leaves live, and why not the configured number if it could not be
     * read.
     */
    public record KeysToKeep(int count, String problem) {
        static KeysToKeep fallback(String problem) {
            return new KeysToKeep(1, problem + "; kept one key");
        }
    }

    private final Supplier<? extends Parameters> ssm;
    private final String parameterName;

    public ResetSettings(Supplier<? extends Parameters> ssm, String parameterName) {
        this.ssm = ssm;
        this.parameterName = parameterName;
    }

    /**
     * What the reset needs from one read of the settings document: the keys to keep, and the
     * stack's secret name prefix, under which it looks for other secrets holding the account to
     * name them in its alert. A reset never fails on its settings: a document that cannot be read
     * gives the fallbacks (one key kept, no prefix, so no scan).
     */
    public record Read(KeysToKeep keysToKeep, java.util.Optional<String> secretNamePrefix) {}

    /** One GetParameter: both settings come from the same document (issue 18). */
    public Read read() {
        if (parameterName == null || parameterName.isBlank()) {
            return new Read(
                    KeysToKeep.fallback("RESET_SETTINGS_PARAMETER is not set"),
                    java.util.Optional.empty());
        }
        try {
            java.util.Optional<String> document = ssm.get().get(parameterName);
            return new Read(
                    parse(parameterName, document.orElse(null)),
                    document.flatMap(ResetSettings::prefixIn));
        } catch (RuntimeException e) {
            LOG.warn(
                    "reset.settings_unreadable",
                    "parameter",
                    parameterName,
                    "error",
                    e.getClass().getSimpleName());
            return new Read(
                    KeysToKeep.fallback(
                            "the settings parameter "
                                    + parameterName
                                    + " could not be read ("
                                    + e.getClass().getSimpleName()
                                    + ")"),
                    java.util.Optional.empty());
        }
    }

    static java.util.Optional<String> prefixIn(String document) {
        try {
            JsonNode prefix = JsonTree.parse(document).path("secretNamePrefix");
            return prefix.isTextual() && !prefix.asText().isBlank()
                    ? java.util.Optional.of(prefix.asText())
                    : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    static KeysToKeep parse(String parameterName, String document) {
        if (document == null) {
            return KeysToKeep.fallback(
                    "the settings parameter " + parameterName + " does not exist");
        }
        JsonNode count;
        try {
            count = JsonTree.parse(document).path("keysToKeep");
        } catch (Exception e) {
            return KeysToKeep.fallback("the settings parameter " + parameterName + " is not JSON");
        }
        if (!count.isInt() || count.intValue() < 1 || count.intValue() > 2) {
            return KeysToKeep.fallback(
                    "the settings parameter " + parameterName + " has no keysToKeep of 1 or 2");
        }
        return new KeysToKeep(count.intValue(), null);
    }
}
