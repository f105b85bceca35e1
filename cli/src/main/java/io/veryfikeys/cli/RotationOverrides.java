package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * The rotation settings an operator may override for one run (rotate, and every rotation of a fleet
 * run), named as the execution input names them.
 */
final class RotationOverrides {
    @Option(
            names = "--poll-interval",
            paramLabel = "SECONDS",
            description = "Override PollIntervalSeconds.")
    Integer pollInterval;

    @Option(
            names = "--healthy-polls",
            paramLabel = "N",
            description = "Override RequiredHealthyPolls.")
    Integer healthyPolls;

    @Option(
            names = "--poll-timeout",
            paramLabel = "SECONDS",
            description = "Override PollTimeoutSeconds.")
    Integer pollTimeout;

    @Option(
            names = "--grace-period",
            paramLabel = "SECONDS",
            description = "Override GracePeriodSeconds.")
    Integer gracePeriod;

    /** Puts the overrides given into {@code input}; returns it. */
    ObjectNode putInto(ObjectNode input) {
        if (pollInterval != null) input.put("pollIntervalSeconds", pollInterval);
        if (healthyPolls != null) input.put("requiredHealthyPolls", healthyPolls);
        if (pollTimeout != null) input.put("pollTimeoutSeconds", pollTimeout);
        if (gracePeriod != null) input.put("gracePeriodSeconds", gracePeriod);
        return input;
    }
}
