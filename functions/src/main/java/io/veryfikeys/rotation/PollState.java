package io.veryfikeys.rotation;

import java.util.List;

/**
 * The consumer-polling loop's memory between iterations.
 *
 * @param status  WAIT (poll again after the interval), DONE, TIMEOUT, or REVERT (a consumer is
 *                unhealthy on the new key)
 * @param lagging consumers not (yet) on the target key, or unreachable
 */
public record PollState(String status, long startedAtMillis, int consecutiveHealthy, int polls,
                        long waitedSeconds, List<String> lagging, List<String> unhealthy) {
    public static final String WAIT = "WAIT";
    public static final String DONE = "DONE";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String REVERT = "REVERT";
}
