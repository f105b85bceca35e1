package io.veryfikeys.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's smoke of the fleet benchmark ({@code benchmarks/fleet --accounts 50}): one fleet run over 50
 * accounts on the faithful runtime, the simulator limited to 20 requests a second, rotates every
 * account; a second over the budget is printed and must have met Veryfi's 429. Timing is printed,
 * never asserted.
 */
class FleetBenchmarkSmokeTest {

    @Test
    void fiftyAccountsRotateWithinTheRequestBudget() throws Exception {
        FleetBenchmark.Result result = FleetBenchmark.run(new FleetBenchmark.Options(50, 20, 20));
        System.out.println(FleetBenchmark.table(result));

        assertThat(result.rotated()).as(result.report()).isEqualTo(50);
        assertThat(result.notRotated()).isZero();
        assertThat(result.requests()).isGreaterThanOrEqualTo(50 * 4);
        // Pacing spreads the rotations' starts; it does not bound a second in which a stall of the
        // local engine releases several rotations' calls together (seen: 23 requests in one second
        // against a budget of 20, once the local stack got faster). Then Veryfi's limit answers
        // 429 with Retry-After and the clients wait: every such second must have met a 429, and
        // every account still rotates (above). A budget that holds for every second needs the
        // shared token bucket that issue 15 leaves open.
        if (result.secondsOverBudget() > 0) {
            assertThat(result.rateLimited())
                    .as("a second over the budget was refused by Veryfi's limit, not served")
                    .isPositive();
        }
    }
}
