package io.veryfikeys.rotation;

import java.util.List;

/**
 * The consumer-polling loop's memory between iterations.
 *
 * @param status where the loop stands ({@link PollStatus})
 * @param lagging consumers not (yet) on the target key, or unreachable
 */
public record PollState(
        PollStatus status,
        long startedAtMillis,
        int consecutiveHealthy,
        int polls,
        long waitedSeconds,
        List<String> lagging,
        List<String> unhealthy) {}
