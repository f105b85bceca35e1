package io.veryfikeys.template;

import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.veryfi.RetryPolicy;
import io.veryfikeys.veryfi.VeryfiKeysClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every function's worst case fits inside its Timeout, with margin (issue 12, item 5): the Timeouts
 * come from template.yaml, the bounds from the code. Lambda runs nothing after a timeout, so a step
 * that overran it would lose its own error handling, the reset its LOCKED_OUT alert above all
 * (ResetTest shows the store loop stopping in time on the faithful runtime).
 */
class RetryBudgetTemplateTest {
    private static final SamTemplate TEMPLATE =
            SamTemplate.load(LocalAwsStackExtension.findTemplate());
    private static final double MARGIN = 1.2;

    private static Duration withMargin(Duration d) {
        return Duration.ofMillis(Math.round(d.toMillis() * MARGIN));
    }

    /**
     * One Veryfi call with all its retries: the policy's total budget, plus a last attempt's
     * connect timeout.
     */
    private static Duration veryfiCall() {
        return RetryPolicy.DEFAULT.maxTotalTime().plus(VeryfiKeysClient.DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * What a step may still do once its retries stop at the reserve: a Veryfi attempt overrunning
     * the deadline by its connect timeout, then one AWS call that was refused no retry (the reset's
     * last store attempt), then the alert, each AWS call bounded by AwsCallTimeouts.CALL, and the
     * safety gap no call may start into.
     */
    @Test
    void theReserveHoldsWhatAStepDoesAfterGivingUp() {
        Duration inFlight = AwsCallTimeouts.CALL;
        Duration afterGivingUp =
                VeryfiKeysClient.DEFAULT_CONNECT_TIMEOUT
                        .plus(inFlight)
                        .plus(AwsCallTimeouts.CALL)
                        .plus(InvocationDeadline.SAFETY);
        assertThat(InvocationDeadline.RESERVE)
                .as("reserve vs. %s after giving up", afterGivingUp)
                .isGreaterThanOrEqualTo(afterGivingUp);
        assertThat(AwsCallTimeouts.CALL)
                .as("an AWS call's bound holds at least one whole attempt")
                .isGreaterThanOrEqualTo(AwsCallTimeouts.ATTEMPT);
    }

    /**
     * Beyond the reserve, every function has room for one Veryfi call with its whole retry budget,
     * with margin: a shorter Timeout would cut the client's retries short on every slow day.
     * (CreateKey's 60 s Timeout used to be shorter than its own retry budget.)
     */
    @Test
    void everyFunctionHasRoomForAWholeVeryfiRetryBudgetBeyondTheReserve() {
        List<String> tooShort =
                TEMPLATE.functions().values().stream()
                        .filter(
                                f ->
                                        Duration.ofSeconds(f.timeoutSeconds())
                                                        .minus(InvocationDeadline.RESERVE)
                                                        .compareTo(withMargin(veryfiCall()))
                                                < 0)
                        .map(f -> f.logicalId() + " (Timeout " + f.timeoutSeconds() + " s)")
                        .toList();
        assertThat(tooShort)
                .as(
                        "functions whose Timeout minus the %s s reserve is under %s s",
                        InvocationDeadline.RESERVE.toSeconds(),
                        withMargin(veryfiCall()).toSeconds())
                .isEmpty();
    }
}
