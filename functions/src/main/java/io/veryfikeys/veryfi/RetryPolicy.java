package io.veryfikeys.veryfi;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard {@link VeryfiKeysClient} retries transient failures (429, 499, 5xx, I/O errors).
 *
 * @param maxAttempts attempts per call in total, including the first one (1 = no retries)
 * @param maxTotalTime budget for one call including every attempt and every wait; no retry is
 *     started that would end past it, and the last attempt's timeout is cut to it
 * @param baseDelay backoff before the first retry (upper bound of its jitter window)
 * @param maxDelay cap of the exponential backoff window
 * @param maxRetryAfter the longest {@code Retry-After} the client is willing to wait; a longer one
 *     fails the call at once with {@link VeryfiRateLimitedException}
 */
public record RetryPolicy(
        int maxAttempts,
        Duration maxTotalTime,
        Duration baseDelay,
        Duration maxDelay,
        Duration maxRetryAfter) {

    /**
     * 4 attempts, 40 s in total, full-jitter backoff from 200 ms up to 5 s, Retry-After up to 30 s.
     */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(
                    4,
                    Duration.ofSeconds(40),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        requirePositive(maxTotalTime, "maxTotalTime");
        requireNotNegative(baseDelay, "baseDelay");
        requireNotNegative(maxDelay, "maxDelay");
        requireNotNegative(maxRetryAfter, "maxRetryAfter");
    }

    /** No retries at all: every failure surfaces after one attempt. */
    public static RetryPolicy noRetries() {
        return DEFAULT.withMaxAttempts(1);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, maxTotalTime, baseDelay, maxDelay, maxRetryAfter);
    }

    public RetryPolicy withMaxTotalTime(Duration total) {
        return new RetryPolicy(maxAttempts, total, baseDelay, maxDelay, maxRetryAfter);
    }

    public RetryPolicy withBackoff(Duration base, Duration cap) {
        return new RetryPolicy(maxAttempts, maxTotalTime, base, cap, maxRetryAfter);
    }

    public RetryPolicy withMaxRetryAfter(Duration cap) {
        return new RetryPolicy(maxAttempts, maxTotalTime, baseDelay, maxDelay, cap);
    }

    /**
     * The exponential window before retry number {@code retry} (1 = the first retry): {@code
     * min(maxDelay, baseDelay * 2^(retry-1))}.
     */
    public Duration backoffCeiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1");
        }
        long base = baseDelay.toMillis();
        long cap = maxDelay.toMillis();
        int shift = Math.min(retry - 1, 30);
        long window = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        return Duration.ofMillis(window);
    }

    /**
     * "Full jitter" backoff: uniformly distributed in {@code [0, backoffCeiling(retry)]}.
     *
     * @param random a uniform sample in {@code [0, 1)}
     */
    public Duration backoff(int retry, double random) {
        double r = Math.min(Math.max(random, 0.0), 1.0);
        return Duration.ofMillis(Math.round(backoffCeiling(retry).toMillis() * r));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
