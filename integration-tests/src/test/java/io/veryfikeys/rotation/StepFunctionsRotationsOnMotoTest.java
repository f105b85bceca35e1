package io.veryfikeys.rotation;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running rotations as Plan and the reset read them, from Step Functions executions on moto
 * over the wire (ListExecutions, DescribeExecution, real ASL execution holding each one in a Wait
 * state): the owner is the oldest running execution whose input names the account, and Plan's own
 * execution counts without being described (issue 18: one round trip less before every plan).
 */
@ExtendWith(LocalAwsStackExtension.class)
class StepFunctionsRotationsOnMotoTest {
    private static LocalAwsStack stack;
    private static SfnClient sfn;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    static void connect(LocalAwsStack localStack) {
        stack = localStack;
        sfn = stack.sfn();
    }

    @AfterEach
    void restore() {
        Log.redirect(null);
    }

    /** A state machine whose executions stay RUNNING for the length of the test. */
    private static String waitingStateMachine() {
        return sfn.createStateMachine(
                        b ->
                                b.name("running-rotations-" + UUID.randomUUID())
                                        .roleArn("arn:aws:iam::123456789012:role/test")
                                        .definition(
                                                "{\"StartAt\":\"Wait\",\"States\":{\"Wait\":"
                                                        + "{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}"))
                .stateMachineArn();
    }

    private static String start(String stateMachine, String secretId) {
        String arn =
                sfn.startExecution(
                                b ->
                                        b.stateMachineArn(stateMachine)
                                                .input("{\"secretId\":\"" + secretId + "\"}"))
                        .executionArn();
        sleep(20); // distinct start dates: the owner is the oldest
        return arn;
    }

    private List<String> described() {
        List<String> out = new ArrayList<>();
        for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"operation\":\"DescribeExecution\"")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void theOldestRunningRotationOfTheAccountOwnsItAndPlansOwnExecutionIsNotDescribed() {
        String stateMachine = waitingStateMachine();
        String first = start(stateMachine, "veryfi/payroll");
        String other = start(stateMachine, "veryfi/hr");
        String mine = start(stateMachine, "veryfi/payroll");
        StepFunctionsRotations running = new StepFunctionsRotations(AwsClients::sfn);
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            assertThat(running.ownerOtherThan(stateMachine, "veryfi/payroll", mine))
                    .contains(first);
            assertThat(described())
                    .as("the other two described, Plan's own execution not")
                    .hasSize(2)
                    .noneMatch(line -> line.contains(mine));

            assertThat(running.of(stateMachine, "veryfi/payroll"))
                    .as("the reset's look describes every candidate, oldest first")
                    .containsExactly(first, mine);
            assertThat(running.of(stateMachine, "veryfi/hr")).containsExactly(other);
        } finally {
            for (String arn : List.of(first, other, mine)) {
                sfn.stopExecution(b -> b.executionArn(arn));
            }
        }
    }

    @Test
    void planOwnExecutionAloneOwnsTheAccount() {
        String stateMachine = waitingStateMachine();
        String mine = start(stateMachine, "veryfi/alone");
        try {
            Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
            assertThat(
                            new StepFunctionsRotations(AwsClients::sfn)
                                    .ownerOtherThan(stateMachine, "veryfi/alone", mine))
                    .isEqualTo(Optional.empty());
            assertThat(described()).as("nothing to describe").isEmpty();
        } finally {
            sfn.stopExecution(b -> b.executionArn(mine));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
