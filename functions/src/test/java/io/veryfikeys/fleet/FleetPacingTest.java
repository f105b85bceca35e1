package io.veryfikeys.fleet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts are paced at budget / 5 a second: no second holds more starts than that, and the last
 * start is where the spread says.
 */
class FleetPacingTest {
    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

    @ParameterizedTest(name = "{0} accounts at {1} requests/s: {2} starts a second, spread {3} s")
    @CsvSource({
        "0,    10, 0, 0",
        "0,    1,  0, 0",
        "1,    10, 1, 0",
        "10,   10, 2, 4",
        "1000, 10, 2, 499",
        "1000, 20, 4, 249",
        "1000, 60, 12, 83",
        "7,    1,  1, 30"
    })
    void pacesTheStarts(int count, int budget, int perSecond, long spread) {
        List<Instant> starts = FleetPacing.starts(count, budget, T0);

        assertThat(starts).hasSize(count).isSorted();
        if (count > 0) {
            assertThat(starts.getFirst()).isEqualTo(T0);
            assertThat(Duration.between(T0, starts.getLast()).toSeconds()).isEqualTo(spread);
        }
        long busiest =
                starts.stream()
                        .collect(
                                java.util.stream.Collectors.groupingBy(
                                        s -> s.getEpochSecond(),
                                        java.util.stream.Collectors.counting()))
                        .values()
                        .stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0);
        assertThat(busiest).isLessThanOrEqualTo(perSecond);
        assertThat(busiest * FleetPacing.CALLS_PER_ROTATION)
                .isLessThanOrEqualTo(Math.max(budget, FleetPacing.CALLS_PER_ROTATION));
        assertThat(FleetPacing.spreadSeconds(count, budget)).isEqualTo(spread);
    }
}
