package io.veryfikeys.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's smoke of the fleet benchmark ({@code benchmarks/fleet --accounts 20}): one fleet run over 20
 * accounts on the faithful runtime, the simulator limited to 20 requests a second, rotates every
 * account with no second over the request budget at the simulator. Timing is printed, never
 * asserted.
 */
class FleetBenchmarkSmokeTest {

    @Test
    void twentyAccountsStartedTogetherRotateWithinTheRequestBudget() throws Exception {
        // Two sandboxes per function, not four: the smoke proves the benchmark runs, and with four
        // it started 30 sandboxes whose cold starts were most of its CPU, beside the
        // integration suite in CI.
        // Twenty accounts, not fifty: all twenty start at once (the fleet's concurrency is 200), so
        // their 80 requests would put far more than 20 into a second without the budget's pacing,
        // and the run is the CPU-heaviest test beside the integration suite in CI (124-157 s at
        // fifty).
        FleetBenchmark.Result result =
                FleetBenchmark.run(
                        new FleetBenchmark.Options(20, 20, 20).withSandboxesPerFunction(2));
        System.out.println(FleetBenchmark.table(result));

        assertThat(result.rotated()).as(result.report()).isEqualTo(20);
        assertThat(result.notRotated()).isZero();
        assertThat(result.requests()).isGreaterThanOrEqualTo(20 * 4);
        // Every request takes a slot of its second in VeryfiBudgetTable first (issue 15's shared
        // count), so no second at the simulator may hold more than the budget, stalls or not.
        assertThat(result.secondsOverBudget()).as("seconds over the budget").isZero();
        assertThat(result.rateLimited()).as("429s from Veryfi's limit").isZero();
    }
}
