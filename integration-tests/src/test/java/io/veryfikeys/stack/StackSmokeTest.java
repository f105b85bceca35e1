package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.LocalAwsStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** moto's ASL engine → Lambda host → real handler → Secrets Manager in moto, and back. */
class StackSmokeTest extends LocalStackTest {
    private static String smoke;

    @BeforeAll
    static void deploySmokeMachine(LocalAwsStack stack) {
        smoke =
                stack.deployStateMachine(
                        "smoke-" + System.nanoTime(),
                        Path.of("src/test/resources/statemachine/smoke.asl.json"),
                        Map.of("PlanFunctionArn", "${PlanFunction.Alias}"));
    }

    @Test
    void aRealHandlerReadsSecretsManagerThroughTheStack() throws Exception {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);

        RotationHarness.Execution execution = run(Map.of("secretId", account.secretId()));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered()).containsExactly("Plan", "Planned");
        var output =
                new ObjectMapper()
                        .readTree(
                                harness.sfn
                                        .describeExecution(b -> b.executionArn(execution.arn()))
                                        .output());
        assertThat(output.at("/plan/action").asText()).isEqualTo("ROTATE");
        assertThat(output.at("/plan/currentKeyId").asLong()).isEqualTo(account.initialKeyId());
        assertThat(harness.stack.lambdaHost().invocationCount("PlanFunction")).isPositive();
        harness.assertNoKeyLeaked(List.of(execution));
    }

    @Test
    void aTypedJavaExceptionIsCaughtByItsClassName() {
        RotationHarness.Execution execution = run(Map.of("secretId", "veryfi/does-not-exist"));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered()).containsExactly("Plan", "SecretMissing");
        assertThat(execution.historyText())
                .contains("io.veryfikeys.secrets.SecretNotFoundException");
    }

    private RotationHarness.Execution run(Map<String, Object> input) {
        try {
            String body = new ObjectMapper().writeValueAsString(input);
            String arn =
                    harness.sfn
                            .startExecution(b -> b.stateMachineArn(smoke).input(body))
                            .executionArn();
            return harness.await(arn, Duration.ofSeconds(60));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
