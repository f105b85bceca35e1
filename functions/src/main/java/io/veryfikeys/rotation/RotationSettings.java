package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.InvalidInputException;

/**
 * How patient a rotation is with consumers. Defaults are the template's parameters, which the state
 * machine passes to Plan ({@link DeploySettings}); an execution input may override each one within
 * bounds, e.g. for an urgent rotation with a short grace period.
 */
public record RotationSettings(
        int pollIntervalSeconds,
        int requiredHealthyPolls,
        int pollTimeoutSeconds,
        int gracePeriodSeconds) {
    static final int WEEK = 7 * 24 * 3600;

    public RotationSettings {
        check("pollIntervalSeconds", pollIntervalSeconds, 1, 3600);
        check("requiredHealthyPolls", requiredHealthyPolls, 1, 100);
        check("pollTimeoutSeconds", pollTimeoutSeconds, 1, WEEK);
        check("gracePeriodSeconds", gracePeriodSeconds, 0, WEEK);
    }

    /**
     * Refuses settings whose poll loops could outgrow Step Functions' history quota (see {@link
     * HistoryBudget}). Checked when a rotation is planned, not when a later step reads the plan
     * back: a rotation planned before an upgrade finishes with the settings it started with.
     */
    public RotationSettings withinHistoryBudget() {
        long events = HistoryBudget.worstCase(pollIntervalSeconds, pollTimeoutSeconds);
        if (events > HistoryBudget.LIMIT) {
            throw new InvalidInputException(
                    "pollTimeoutSeconds "
                            + pollTimeoutSeconds
                            + " with pollIntervalSeconds "
                            + pollIntervalSeconds
                            + " allows "
                            + (pollTimeoutSeconds / pollIntervalSeconds + 2)
                            + " polls in each of the two poll loops: the execution history could reach "
                            + events
                            + " events, and Step Functions fails an execution at "
                            + HistoryBudget.QUOTA
                            + " (at most "
                            + HistoryBudget.LIMIT
                            + " are planned for, the rest kept for retries); at this interval "
                            + "pollTimeoutSeconds may be at most "
                            + HistoryBudget.longestTimeout(pollIntervalSeconds));
        }
        return this;
    }

    /**
     * Checks the overrides an input carries, each against its own bounds, without knowing the
     * defaults: the fleet run refuses a bad override before any account's rotation starts.
     */
    public static void checkOverrides(JsonNode input) {
        new RotationSettings(1, 1, 1, 0)
                .withOverrides(input); // the smallest valid values: only the overrides are judged
    }

    public RotationSettings withOverrides(JsonNode input) {
        return new RotationSettings(
                override(input, "pollIntervalSeconds", pollIntervalSeconds),
                override(input, "requiredHealthyPolls", requiredHealthyPolls),
                override(input, "pollTimeoutSeconds", pollTimeoutSeconds),
                override(input, "gracePeriodSeconds", gracePeriodSeconds));
    }

    private static int override(JsonNode input, String name, int defaultValue) {
        JsonNode value = input == null ? null : input.get(name);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidInputException(name + " must be a whole number");
        }
        return value.intValue();
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(
                    name + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
