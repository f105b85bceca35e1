package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The state machine's document as the handlers see it: each Task writes its result under its own
 * name ({@code ResultPath}), so a later step, a re-run, or a reader of the execution history sees
 * what every earlier step did. {@code lostCreate} is set when a create of this execution was sent
 * and its answer lost: only then may CreateKey delete a key it did not plan.
 */
public record RotationState(
        String secretId,
        Plan plan,
        Created created,
        JsonNode verified,
        Rollout rollout,
        PollState poll,
        JsonNode deleted,
        Rollout revert,
        PollState revertPoll,
        JsonNode discarded,
        JsonNode error,
        JsonNode lostCreate) {

    /** The rollout being confirmed: the one Promote made, or the interrupted one Plan found. */
    public Rollout currentRollout() {
        return rollout != null ? rollout : plan == null ? null : plan.rollout();
    }
}
