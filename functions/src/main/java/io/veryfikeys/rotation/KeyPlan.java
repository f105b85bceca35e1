package io.veryfikeys.rotation;

import java.util.List;
import java.util.TreeSet;

/**
 * The part of Plan that decides from the keys: Veryfi's live keys against what the secret's
 * versions hold. Pure: the facts it may need are asked through {@link Facts}, and only when the
 * decision gets there (reading AWSPREVIOUS or asking the consumers costs calls), so a test gives
 * plain values and counts what was asked. KeyPlanTest has a row per branch.
 */
final class KeyPlan {
    private KeyPlan() {}

    /**
     * What Plan may need to know beyond the live keys; each read at most once, and only if needed.
     */
    interface Facts {
        /** The key id the AWSPENDING version holds; null when there is none. */
        Long pendingKeyId();

        /** The key id the AWSPREVIOUS version holds; null when there is none. */
        Long previousKeyId();

        /** The consumers that use this key or cannot say (unreachable): they may still need it. */
        List<String> mayUse(long keyId);

        /** The key id the reset's surplus version holds; null when there is none. */
        Long surplusKeyId();
    }

    /**
     * @param action ROTATE, FINISH_PREVIOUS or BLOCKED (an unknown live key)
     * @param resumePending the live AWSPENDING key is this rotation's new key (an interrupted run
     *     made it)
     * @param staleKeyId a live key nobody needs, to delete before creating (AWSPREVIOUS or surplus)
     * @param previousKeyId for FINISH_PREVIOUS: the AWSPREVIOUS key still in use
     * @param onPrevious for FINISH_PREVIOUS: who may still use it
     * @param unknown for BLOCKED: the live keys no version holds
     */
    record Verdict(
            PlanAction action,
            boolean resumePending,
            Long staleKeyId,
            Long previousKeyId,
            List<String> onPrevious,
            List<Long> unknown) {}

    static Verdict decide(long currentKeyId, List<Long> live, Facts facts) {
        TreeSet<Long> extra = new TreeSet<>(live);
        extra.remove(currentKeyId);
        boolean resume = false;
        if (!extra.isEmpty()) {
            Long pending = facts.pendingKeyId();
            // An interrupted run created and stored this key: carry on with it, never make another.
            resume = pending != null && extra.remove(pending);
        }
        if (extra.size() == 1) {
            Long previous = facts.previousKeyId();
            if (extra.first().equals(previous)) {
                List<String> onPrevious = facts.mayUse(previous);
                if (!onPrevious.isEmpty()) {
                    return new Verdict(
                            PlanAction.FINISH_PREVIOUS,
                            resume,
                            null,
                            previous,
                            List.copyOf(onPrevious),
                            List.of());
                }
                return new Verdict(PlanAction.ROTATE, resume, previous, null, List.of(), List.of());
            }
            Long surplus = facts.surplusKeyId();
            if (extra.first().equals(surplus)) {
                // An incident reset made this key, could not delete it and recorded it as surplus:
                // ours to remove.
                return new Verdict(PlanAction.ROTATE, resume, surplus, null, List.of(), List.of());
            }
        }
        if (!extra.isEmpty()) {
            return new Verdict(
                    PlanAction.BLOCKED, resume, null, null, List.of(), List.copyOf(extra));
        }
        return new Verdict(PlanAction.ROTATE, resume, null, null, List.of(), List.of());
    }
}
