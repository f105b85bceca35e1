package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mutating step, invoked again with exactly the input the state machine gave it, after the
 * rotation succeeded: nothing changes at Veryfi or in Secrets Manager, and the answer is the same.
 * The inputs and outputs are read back from the real execution history.
 */
class StepIdempotencyTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MUTATING =
            List.of(
                    "CreateKeyFunction",
                    "VerifyNewKeyFunction",
                    "PromoteFunction",
                    "DeleteOldKeyFunction");

    record Invocation(String function, String input, String output) {}

    @Test
    void repeatingAnyStepAfterSuccessChangesNothingAndAnswersTheSame() throws Exception {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        RotationHarness.Execution execution =
                harness.run(
                        account.secretId(),
                        RotationScenariosTest.FAST,
                        RotationScenariosTest.TIMEOUT);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Long> liveAfter = harness.veryfi.liveKeyIds(account.clientId());
        Map<String, Long> stagesAfter = harness.keyIdsByStage(account.secretId());
        int keyCallsAfter = harness.keyApiCalls(account.clientId()).size();

        List<Invocation> invocations = invocations(execution.history());
        assertThat(invocations).extracting(Invocation::function).containsAll(MUTATING);
        for (Invocation invocation : invocations) {
            if (!MUTATING.contains(invocation.function())) {
                continue;
            }
            RotationHarness.Invoked again =
                    harness.invoke(invocation.function(), invocation.input());
            assertThat(again.functionError())
                    .as("%s failed the second time", invocation.function())
                    .isNull();
            assertThat(again.json())
                    .as("second answer of %s", invocation.function())
                    .isEqualTo(JSON.readTree(invocation.output()));
        }

        assertThat(harness.veryfi.liveKeyIds(account.clientId())).isEqualTo(liveAfter);
        assertThat(harness.keyIdsByStage(account.secretId())).isEqualTo(stagesAfter);
        assertThat(
                        harness.keyApiCalls(account.clientId())
                                .subList(
                                        keyCallsAfter,
                                        harness.keyApiCalls(account.clientId()).size()))
                .as("Veryfi calls of the repeated steps")
                .noneMatch(call -> call.startsWith("POST"))
                .allMatch(call -> call.startsWith("GET") || call.endsWith(" 404"));
        harness.assertNoKeyLeaked(List.of(execution));
    }

    private static List<Invocation> invocations(List<HistoryEvent> history) {
        List<Invocation> result = new ArrayList<>();
        String function = null;
        String input = null;
        for (HistoryEvent event : history) {
            if (event.lambdaFunctionScheduledEventDetails() != null) {
                String resource = event.lambdaFunctionScheduledEventDetails().resource();
                function = resource.split(":function:")[1].split(":")[0];
                input = event.lambdaFunctionScheduledEventDetails().input();
            } else if (event.lambdaFunctionSucceededEventDetails() != null && function != null) {
                result.add(
                        new Invocation(
                                function,
                                input,
                                event.lambdaFunctionSucceededEventDetails().output()));
                function = null;
            }
        }
        return result;
    }
}
