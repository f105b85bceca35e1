package io.veryfikeys.veryfi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget's loop with a counting map for the table and a clock that the sleeper moves: the
 * table's atomic count on DynamoDB is proven in the integration suite
 * (RequestBudgetOnTheStackTest).
 */
class RequestBudgetTest {
    /** A clock whose time moves only when the code sleeps. */
    static final class ManualClock extends Clock {
        long millis;

        ManualClock(long millis) {
            this.millis = millis;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    final ManualClock clock = new ManualClock(10_300);
    final List<Duration> slept = new ArrayList<>();
    final RequestBudget.Sleeper sleeper =
            d -> {
                slept.add(d);
                clock.millis += d.toMillis();
            };
    final Map<Long, Integer> counts = new HashMap<>();
    final List<Long> asked = new ArrayList<>();

    void countingTable() {
        RequestBudget.install(
                (second, perSecond) -> {
                    asked.add(second);
                    int n = counts.getOrDefault(second, 0);
                    if (n >= perSecond) return false;
                    counts.put(second, n + 1);
                    return true;
                });
    }

    @AfterEach
    void reset() {
        RequestBudget.use(null);
        RequestBudget.install(null);
    }

    @Test
    void withoutABudgetNothingIsAskedOrWaited() throws Exception {
        countingTable();
        RequestBudget.acquire(clock, sleeper, "list");
        assertThat(asked).isEmpty();
        assertThat(slept).isEmpty();
    }

    @Test
    void theThirdRequestOfASecondWaitsForTheNext() throws Exception {
        countingTable();
        RequestBudget.use(2);
        for (int i = 0; i < 5; i++) {
            RequestBudget.acquire(clock, sleeper, "list");
        }
        assertThat(counts).containsEntry(10L, 2).containsEntry(11L, 2).containsEntry(12L, 1);
        assertThat(asked).containsExactly(10L, 10L, 10L, 11L, 11L, 11L, 12L);
        assertThat(slept).hasSize(2);
        assertThat(clock.millis).isBetween(12_000L, 12_099L);
    }

    @Test
    void nearTheEndOfASecondItAsksForTheNext() throws Exception {
        countingTable();
        RequestBudget.use(2);
        clock.millis = 10_950;
        RequestBudget.acquire(clock, sleeper, "create");
        assertThat(slept).containsExactly(Duration.ofMillis(50));
        assertThat(asked).containsExactly(11L);
    }

    @Test
    void aTableThatCannotAnswerLetsTheRequestGo() throws Exception {
        RequestBudget.install(
                (second, perSecond) -> {
                    throw new IllegalStateException("DynamoDB is down");
                });
        RequestBudget.use(2);
        RequestBudget.acquire(clock, sleeper, "delete");
        assertThat(slept).isEmpty();
    }
}
