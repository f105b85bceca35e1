package io.veryfikeys.confirm;

import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.Contract;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether an operator's confirmation may be recorded: a pure decision (ConfirmDecisionTest's
 * tables). A refused confirmation writes nothing, so each problem is said in full.
 */
public final class ConfirmDecision {
    /** How long {@code confirmedBy} may be: a name or an e-mail address, not a story. */
    static final int MAX_CONFIRMED_BY = 128;

    private static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}\"\\\\]+");

    private ConfirmDecision() {}

    /**
     * What is wrong with the request's own fields, if anything ({@code secretId}'s shape is checked
     * by SecretIds).
     */
    public static Optional<String> requestProblem(ConfirmRequest request) {
        if (request == null) {
            return Optional.of(
                    "expected {\"secretId\":...,\"consumer\":...,\"keyId\":...,\"confirmedBy\":...}");
        }
        if (request.consumer() == null || !CONSUMER.matcher(request.consumer()).matches()) {
            return Optional.of(
                    "consumer must be the consumer's name as its registry lists it (1-64 of"
                            + " A-Z a-z 0-9 . _ -)");
        }
        if (request.keyId() == null || request.keyId() <= 0) {
            return Optional.of(
                    "keyId must be the positive Veryfi key id the consumer now uses"
                            + " (veryfi-keys status shows the current one), got "
                            + request.keyId());
        }
        String by = request.confirmedBy();
        if (by == null || by.isBlank()) {
            return Optional.of(
                    "confirmedBy is required: who confirms (a name or e-mail address); the"
                            + " rotation's report and history keep it");
        }
        if (by.length() > MAX_CONFIRMED_BY || !PRINTABLE.matcher(by).matches()) {
            return Optional.of(
                    "confirmedBy must be at most "
                            + MAX_CONFIRMED_BY
                            + " characters, without control characters, quotes or backslashes");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code consumer} is one the registry says a person confirms: a consumer that proves
     * its key itself (its health endpoint or its own check-in) cannot be confirmed for.
     */
    public static Optional<String> registryProblem(
            String secretId, String consumer, List<Consumer> listed) {
        for (Consumer entry : listed) {
            if (entry.name().equals(consumer)) {
                return entry.contract() == Contract.MANUAL
                        ? Optional.empty()
                        : Optional.of(
                                consumer
                                        + " of "
                                        + secretId
                                        + " has contract "
                                        + entry.contract().word()
                                        + ", not manual: it proves its key itself");
            }
        }
        return Optional.of("no consumer " + consumer + " in the registry of " + secretId);
    }
}
