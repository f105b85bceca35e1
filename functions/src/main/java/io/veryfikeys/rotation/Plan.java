package io.veryfikeys.rotation;

import io.veryfikeys.consumers.Consumer;

import java.util.List;

/**
 * What the Plan step decided, and everything later steps need to act on it without deciding again.
 * Ids only: no key value ever travels between states.
 *
 * @param action what to do ({@link PlanAction})
 * @param versionId the secret version id the new key will be stored under (the idempotency token)
 * @param staleKeyId an AWSPREVIOUS key no consumer uses, to delete before creating (two-key limit)
 * @param knownKeyIds the live key ids at Veryfi when planning
 * @param rollout for FINISH_PREVIOUS: the rollout to complete
 * @param executionId the execution that planned, for every later step's log lines
 * @param linkedCopies the other secrets of this account that get each new key too (their consumers
 *     are in {@code consumers}, named {@code <secret>:<consumer>})
 * @param veryfiRequestsPerSecond the fleet-wide request budget every step of this rotation keeps
 *     (veryfi.RequestBudget); null in plans made before it existed, or without one
 */
public record Plan(
        PlanAction action,
        String reason,
        String secretId,
        String versionId,
        String currentVersionId,
        long currentKeyId,
        Long staleKeyId,
        List<Long> knownKeyIds,
        List<Consumer> consumers,
        RotationSettings settings,
        Rollout rollout,
        String executionId,
        List<LinkedCopy> linkedCopies,
        Integer veryfiRequestsPerSecond) {
    public Plan {
        linkedCopies = linkedCopies == null ? List.of() : List.copyOf(linkedCopies);
    }
}
