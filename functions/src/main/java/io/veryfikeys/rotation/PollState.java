package io.veryfikeys.rotation;

import java.util.List;

/**
 * The consumer-polling loop's memory between iterations.
 *
 * @param status where the loop stands ({@link PollStatus})
 * @param lagging consumers not (yet) on the target key, or unreachable
 * @param verified how each consumer on the target key said so ({@code <name>: health endpoint},
 *     {@code: check-in at <time>}, {@code: confirmed by <ARN> at <time>}); null in a state written
 *     before it existed
 */
public record PollState(
        PollStatus status,
        long startedAtMillis,
        int consecutiveHealthy,
        int polls,
        long waitedSeconds,
        List<String> lagging,
        List<String> unhealthy,
        List<String> verified) {}
