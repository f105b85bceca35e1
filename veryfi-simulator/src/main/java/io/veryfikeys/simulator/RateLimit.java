package io.veryfikeys.simulator;

import java.time.Instant;

/**
 * Veryfi's rate limit as the simulator enforces it: at most {@code perSecond} requests in each
 * wall-clock second, over every account (the strictest reading of a per-partner limit); the rest
 * are answered 429 with {@code Retry-After: 1}, before authentication, changing nothing. Off (0)
 * unless a test or benchmark sets it.
 */
final class RateLimit {
    private int perSecond;
    private long second = Long.MIN_VALUE;
    private int admitted;

    synchronized void set(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a rate limit is 0 (off) or more, got " + perSecond);
        }
        this.perSecond = perSecond;
    }

    /** Whether a request arriving at {@code at} is within the limit (counting it if it is). */
    synchronized boolean admit(Instant at) {
        if (perSecond == 0) {
            return true;
        }
        if (at.getEpochSecond() != second) {
            second = at.getEpochSecond();
            admitted = 0;
        }
        if (admitted >= perSecond) {
            return false;
        }
        admitted++;
        return true;
    }
}
