package io.veryfikeys.confirm;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.consumers.CheckIn;
import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.ConsumerRegistry;
import io.veryfikeys.consumers.InvalidConsumerRegistryException;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Parameters;
import io.veryfikeys.support.SecretIds;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Records an operator's confirmation that a {@code manual} consumer uses a key id: the console's
 * way to do what {@code veryfi-keys confirm} does. The rotation's poller reads the record like a
 * check-in; who confirmed and when go into its report and history.
 *
 * <p>The registry prefix comes from the settings parameter each deploy writes
 * (ConfirmSettingsParameter), not the environment, for the reason ResetSettings gives.
 */
public final class ManualConfirmation {
    /** How long a confirmation stays in the table (its TTL), as {@code veryfi-keys confirm}. */
    static final Duration KEPT = Duration.ofDays(30);

    private static final Log LOG = Log.get(ManualConfirmation.class);

    /** Where a confirmation is written (deployed: the check-in table through PutItem). */
    @FunctionalInterface
    public interface Store {
        void put(CheckIn record, Instant expiresAt);
    }

    private final Supplier<? extends Parameters> ssm;
    private final String settingsParameter;
    private final Store store;
    private final Clock clock;

    public ManualConfirmation(
            Supplier<? extends Parameters> ssm,
            String settingsParameter,
            Store store,
            Clock clock) {
        this.ssm = ssm;
        this.settingsParameter = settingsParameter;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Checks the request against the registry and writes the record; refuses, writing nothing, when
     * anything is wrong. {@code requestId} is the Lambda request id: with Lambda data events logged
     * in CloudTrail it leads to the IAM principal that invoked.
     */
    public Map<String, Object> confirm(ConfirmRequest request, String requestId) {
        ConfirmDecision.requestProblem(request)
                .ifPresent(
                        problem -> {
                            throw refused(problem);
                        });
        String secretId;
        try {
            secretId = SecretIds.validate(request.secretId());
        } catch (InvalidInputException e) {
            throw refused(e.getMessage());
        }
        String prefix = registryPrefix();
        List<Consumer> listed;
        try {
            listed = new ConsumerRegistry(ssm).listed(prefix, secretId);
        } catch (InvalidConsumerRegistryException e) {
            throw refused(e.getMessage());
        }
        ConfirmDecision.registryProblem(secretId, request.consumer(), listed)
                .ifPresent(
                        problem -> {
                            throw refused(problem);
                        });
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String by =
                request.confirmedBy()
                        + (requestId == null ? "" : " (Lambda request " + requestId + ")");
        CheckIn record =
                new CheckIn(
                        Consumer.checkInId(secretId, request.consumer()),
                        CheckIn.MANUAL,
                        request.keyId(),
                        true,
                        at,
                        by);
        store.put(record, at.plus(KEPT));
        LOG.info(
                "confirm.recorded",
                "secretId",
                secretId,
                "consumer",
                request.consumer(),
                "keyId",
                request.keyId(),
                "by",
                by);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("confirmed", true);
        result.put("secretId", secretId);
        result.put("consumer", request.consumer());
        result.put("keyId", request.keyId());
        result.put("confirmedBy", by);
        result.put("at", at.toString());
        return result;
    }

    /** A refusal: the operator reads it in the console, so it says that nothing changed. */
    private static InvalidInputException refused(String problem) {
        return new InvalidInputException(problem + ". Nothing was written.");
    }

    /** The stack's ConsumerRegistryPrefix from the settings parameter; refuses without it. */
    private String registryPrefix() {
        if (settingsParameter == null || settingsParameter.isBlank()) {
            throw new IllegalStateException(
                    "CONFIRM_SETTINGS_PARAMETER is not set: deploy the current template");
        }
        String document =
                ssm.get()
                        .get(settingsParameter)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "the settings parameter "
                                                        + settingsParameter
                                                        + " does not exist: deploy the current"
                                                        + " template"));
        JsonNode prefix;
        try {
            prefix = JsonTree.parse(document).path("consumerRegistryPrefix");
        } catch (Exception e) {
            prefix = null;
        }
        if (prefix == null || !prefix.isTextual() || !prefix.asText().startsWith("/")) {
            throw new IllegalStateException(
                    "the settings parameter "
                            + settingsParameter
                            + " has no consumerRegistryPrefix: deploy the current template");
        }
        return prefix.asText();
    }
}
