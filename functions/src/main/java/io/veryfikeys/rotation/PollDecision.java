package io.veryfikeys.rotation;

import io.veryfikeys.consumers.ConsumerReport;

import java.util.ArrayList;
import java.util.List;

/**
 * The polling loop's decision, from plain values: what the consumers answered this round, the
 * loop's memory, the settings and the time. Pure, so every branch has a row in PollDecisionTest.
 *
 * <p>Rolling out: DONE after {@code requiredHealthyPolls} rounds in a row with every consumer on
 * the new key and healthy; REVERT as soon as one is unhealthy on it; TIMEOUT once the poll timeout
 * passed with some still lagging. Rolling back (a revert): every consumer off the new key is
 * enough, healthy or not, and a revert never reverts.
 */
final class PollDecision {
    private PollDecision() {}

    /**
     * @param previous the loop's state after the last round, null on the first
     * @param target the key id the consumers must be on (the new key; the old one in a revert)
     * @param nowMillis this round's time
     */
    static PollState next(
            PollState previous,
            List<ConsumerReport> reports,
            long target,
            boolean reverting,
            RotationSettings settings,
            long nowMillis) {
        long startedAt = previous == null ? nowMillis : previous.startedAtMillis();
        int polls = previous == null ? 1 : previous.polls() + 1;
        List<String> lagging = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        for (ConsumerReport report : reports) {
            if (!report.uses(target)) {
                lagging.add(report.name());
            } else if (!report.healthy()) {
                unhealthy.add(report.name());
            } else {
                verified.add(report.name() + ": " + report.verifiedBy());
            }
        }
        PollStatus status;
        int consecutive = previous == null ? 0 : previous.consecutiveHealthy();
        if (!reverting && !unhealthy.isEmpty()) {
            status = PollStatus.REVERT;
        } else if (lagging.isEmpty()) {
            consecutive++;
            status =
                    consecutive >= settings.requiredHealthyPolls()
                            ? PollStatus.DONE
                            : PollStatus.WAIT;
        } else {
            consecutive = 0;
            status =
                    nowMillis - startedAt >= settings.pollTimeoutSeconds() * 1000L
                            ? PollStatus.TIMEOUT
                            : PollStatus.WAIT;
        }
        return new PollState(
                status,
                startedAt,
                consecutive,
                polls,
                (nowMillis - startedAt) / 1000,
                List.copyOf(lagging),
                List.copyOf(unhealthy),
                List.copyOf(verified));
    }
}
