package io.veryfikeys.rotation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Plan's refusals before the key decision ({@link KeyPlan}), as functions of plain values (issue
 * 14): each returns the reason the plan stops, or empty to go on. Plan asks them in this order,
 * reading only what the next one needs.
 */
final class PlanGates {
    private PlanGates() {}

    /** How Veryfi answered the list of the account's keys made with AWSCURRENT's key. */
    enum CurrentKeyAnswer {
        LISTED,
        /** 403: the key works but may not manage keys. */
        FORBIDDEN,
        /** 401: the key is dead or revoked. */
        UNAUTHENTICATED
    }

    /** How a plan refused because AWSCURRENT's key is dead begins: its report advises a reset. */
    static final String DEAD_CURRENT_KEY = "Veryfi rejects the AWSCURRENT key ";

    static Optional<String> alreadyRunning(String secretId, Optional<String> otherOwner) {
        return otherOwner.map(
                owner -> "a rotation of " + secretId + " is already running: " + owner);
    }

    static Optional<String> resetInProgress(String secretId, Optional<Instant> since) {
        return since.map(
                started ->
                        "an incident reset of "
                                + secretId
                                + " is in progress (started "
                                + started
                                + "): it invalidates every key, so nothing is rotated now; run the rotation again after it");
    }

    /**
     * Whether AWSCURRENT's key is one Veryfi knows and lets manage keys: a 403 is not a dead key (a
     * reset would not help), a 401 is, and a key missing from the list is one nobody can reason
     * about.
     */
    static Optional<String> currentKey(
            CurrentKeyAnswer answer, int status, long currentKeyId, List<Long> live) {
        return switch (answer) {
            case FORBIDDEN ->
                    Optional.of(
                            "Veryfi refuses the AWSCURRENT key "
                                    + currentKeyId
                                    + " the key-management API"
                                    + " (HTTP 403, not allowed): the key is not dead, do not reset; check the account's API access"
                                    + " and permissions at Veryfi, then run the rotation again");
            case UNAUTHENTICATED ->
                    Optional.of(
                            DEAD_CURRENT_KEY
                                    + currentKeyId
                                    + " (HTTP "
                                    + status
                                    + ", not authenticated): the key is dead or revoked; reset the account (see the incident runbook)");
            case LISTED ->
                    live.contains(currentKeyId)
                            ? Optional.empty()
                            : Optional.of(
                                    "Veryfi does not know the AWSCURRENT key "
                                            + currentKeyId
                                            + " (live: "
                                            + live
                                            + ")");
        };
    }
}
