package io.veryfikeys.veryfi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.DEFAULT;

    @Test
    void defaults() {
        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.baseDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryPolicy.noRetries().maxAttempts()).isEqualTo(1);
    }

    @Test
    void ceilingDoublesUpToTheCap() {
        assertThat(policy.backoffCeiling(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffCeiling(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoffCeiling(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoffCeiling(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(policy.backoffCeiling(6)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoffCeiling(40)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoffCeiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCeiling() {
        Random random = new Random(7);
        for (int retry = 1; retry <= 12; retry++) {
            long ceiling = policy.backoffCeiling(retry).toMillis();
            assertThat(policy.backoff(retry, 0.0)).isEqualTo(Duration.ZERO);
            assertThat(policy.backoff(retry, Math.nextDown(1.0)).toMillis()).isEqualTo(ceiling);
            for (int i = 0; i < 1000; i++) {
                long d = policy.backoff(retry, random.nextDouble()).toMillis();
                assertThat(d).isBetween(0L, ceiling);
            }
        }
        // out-of-range samples are clamped rather than trusted
        assertThat(policy.backoff(1, -3)).isEqualTo(Duration.ZERO);
        assertThat(policy.backoff(1, 7)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void jitterSpreadsOverTheWindow() {
        Random random = new Random(11);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = policy.backoff(3, random.nextDouble()).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(80);
        assertThat(max).isGreaterThan(720);
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> policy.withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withMaxTotalTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withBackoff(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.backoffCeiling(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
