package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.SamTemplate;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's metrics, as the functions print them in their sandboxes: the Embedded Metric Format
 * lines that CloudWatch Logs turns into metrics
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * parsed from what the functions logged and checked by name, dimensions and value.
 */
class MetricsOnTheStackTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void noKeyValueLeaked() {
        harness.veryfi.clearFaults();
        harness.assertNoKeyLeaked(executions);
    }

    /** The EMF lines the functions printed for {@code metric} about {@code account}. */
    static List<JsonNode> metricLines(String metric, String account) {
        return jsonLines().stream()
                .filter(
                        node ->
                                node.path("_aws")
                                                .path("CloudWatchMetrics")
                                                .path(0)
                                                .path("Metrics")
                                                .path(0)
                                                .path("Name")
                                                .asText()
                                                .equals(metric)
                                        && (account == null
                                                || account.equals(node.path("Account").asText())))
                .toList();
    }

    private static List<List<String>> dimensionSets(JsonNode line) {
        List<List<String>> sets = new ArrayList<>();
        for (JsonNode set :
                line.path("_aws").path("CloudWatchMetrics").path(0).path("Dimensions")) {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            sets.add(names);
        }
        return sets;
    }

    @Test
    void aRotationReportsItsOutcomeDurationPollsAndLaggingConsumers() {
        RotationHarness.Account account = harness.account(2, Duration.ofMillis(300));

        RotationHarness.Execution execution =
                harness.run(account.secretId(), RotationScenariosTest.FAST, Duration.ofSeconds(90));
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<JsonNode> outcomes = metricLines("Rotations", account.secretId());
        assertThat(outcomes).hasSize(1);
        JsonNode outcome = outcomes.getFirst();
        assertThat(
                        outcome.path("_aws")
                                .path("CloudWatchMetrics")
                                .path(0)
                                .path("Namespace")
                                .asText())
                .isEqualTo("VeryfiKeyRotation");
        assertThat(dimensionSets(outcome))
                .containsExactly(
                        List.of("Stack", "Outcome"), List.of("Stack", "Account", "Outcome"));
        assertThat(outcome.path("Outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(outcome.path("Rotations").asInt()).isEqualTo(1);
        assertThat(outcome.path("Stack").asText()).isEqualTo(SamTemplate.Resolver.STACK_NAME);
        assertThat(outcome.path("executionId").asText()).isEqualTo(execution.arn());

        List<JsonNode> durations = metricLines("RotationDuration", account.secretId());
        assertThat(durations).singleElement();
        assertThat(durations.getFirst().path("RotationDuration").asDouble())
                .isPositive()
                .isLessThan(90);

        List<JsonNode> polls = metricLines("PollIterations", account.secretId());
        assertThat(polls).singleElement();
        assertThat(polls.getFirst().path("PollIterations").asInt()).isGreaterThanOrEqualTo(2);

        // One line per poll; the last poll found no consumer lagging.
        List<JsonNode> lagging = metricLines("ConsumersLagging", account.secretId());
        assertThat(lagging).hasSize(polls.getFirst().path("PollIterations").asInt());
        assertThat(lagging.getLast().path("ConsumersLagging").asInt()).isZero();
        assertThat(lagging)
                .allSatisfy(l -> assertThat(l.path("ConsumersLagging").asInt()).isBetween(0, 2));

        // Item 5: every line that the rotation's invocations printed names its account, its
        // execution, its step and whether the invocation was its JVM's first.
        List<JsonNode> lines = jsonLines();
        java.util.Set<String> invocations = new java.util.HashSet<>();
        for (JsonNode line : lines) {
            if (execution.arn().equals(line.path("executionId").asText())
                    && line.hasNonNull("requestId")) {
                invocations.add(line.path("requestId").asText());
            }
        }
        assertThat(invocations).as("the rotation's invocations").hasSizeGreaterThanOrEqualTo(7);
        List<JsonNode> ofTheRotation =
                lines.stream()
                        .filter(l -> invocations.contains(l.path("requestId").asText()))
                        .toList();
        assertThat(ofTheRotation)
                .allSatisfy(
                        line -> {
                            assertThat(line.path("account").asText())
                                    .as(line.toString())
                                    .isEqualTo(account.secretId());
                            assertThat(line.path("executionId").asText())
                                    .as(line.toString())
                                    .isEqualTo(execution.arn());
                            assertThat(line.path("step").asText()).as(line.toString()).isNotBlank();
                            assertThat(line.path("cold_start").isBoolean())
                                    .as(line.toString())
                                    .isTrue();
                        });
    }

    /** Every JSON line the functions printed. */
    static List<JsonNode> jsonLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : RotationHarness.capturedLogs().split("\n")) {
            int start = line.indexOf('{');
            if (start < 0) continue;
            try {
                JsonNode node = JSON.readTree(line.substring(start));
                if (node.isObject()) lines.add(node);
            } catch (Exception notJson) {
                // not a JSON line
            }
        }
        return lines;
    }

    @Test
    void veryfiRetriesAnd429sAreCounted() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        int before429 = metricLines("VeryfiRateLimited", null).size();
        int beforeRetries = metricLines("VeryfiRetries", null).size();
        // The first create answers 429 (Retry-After 1): the step waits and tries again.
        harness.veryfi.inject(
                Fault.rateLimit(Endpoint.CREATE, Duration.ofSeconds(1))
                        .times(1)
                        .forAccount(account.clientId()));

        RotationHarness.Execution execution =
                harness.run(
                        account.secretId(),
                        RotationHarness.settings(1, 1, 30, 0),
                        Duration.ofSeconds(90));
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<JsonNode> limited = metricLines("VeryfiRateLimited", null);
        assertThat(limited).hasSize(before429 + 1);
        assertThat(dimensionSets(limited.getLast())).containsExactly(List.of("Stack"));
        List<JsonNode> retries = metricLines("VeryfiRetries", null);
        assertThat(retries).hasSize(beforeRetries + 1);
        assertThat(retries.getLast().path("Operation").asText()).isEqualTo("create");
        assertThat(dimensionSets(retries.getLast())).containsExactly(List.of("Stack", "Operation"));
    }

    /**
     * A fleet run reports every tagged account's key age, and counts the keys that are not
     * compliant with their maximum: here, one whose max-key-age-days tag cannot be read (a key
     * cannot be made days old on the local stack; KeyAgeTest covers the ages).
     */
    @Test
    void aFleetRunReportsEveryKeysAgeAndTheKeysOverTheirMaximum() {
        RotationHarness.Account young = harness.account(0, Duration.ZERO);
        RotationHarness.Account unreadable = harness.account(0, Duration.ZERO);
        harness.tag(unreadable.secretId(), "veryfi-key-rotation:max-key-age-days", "soon");
        int overBefore = metricLines("KeysOverMaxAge", null).size();

        harness.stateMachine("RotationStateMachine");
        String fleet = harness.stateMachine("FleetStateMachine");
        String arn =
                harness.sfn
                        .startExecution(b -> b.stateMachineArn(fleet).input("{\"dryRun\":true}"))
                        .executionArn();
        RotationHarness.Execution execution = harness.await(arn, Duration.ofSeconds(90));
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<JsonNode> ages = metricLines("KeyAge", young.secretId());
        assertThat(ages).isNotEmpty();
        JsonNode age = ages.getLast();
        assertThat(dimensionSets(age))
                .containsExactly(List.of("Stack"), List.of("Stack", "Account"));
        assertThat(age.path("KeyAge").asLong()).isBetween(0L, 3600L);
        assertThat(age.path("executionId").asText()).isEqualTo(arn);

        List<JsonNode> over = metricLines("KeysOverMaxAge", null);
        assertThat(over).hasSizeGreaterThan(overBefore);
        assertThat(dimensionSets(over.getLast())).containsExactly(List.of("Stack"));
        assertThat(over.getLast().path("KeysOverMaxAge").asInt()).isGreaterThanOrEqualTo(1);
        // a dry run's output is ListAccounts' own
        JsonNode listed = harness.output(arn).path("keysOverMaxAge");
        assertThat(listed.path("accounts").toString())
                .contains(unreadable.secretId())
                .doesNotContain(young.secretId());
    }

    @Test
    void aResetIsCounted() throws Exception {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        JSON.writeValueAsString(
                                Map.of(
                                        "secretId",
                                        account.secretId(),
                                        "reason",
                                        "metrics test",
                                        "confirm",
                                        account.secretId(),
                                        "idempotencyToken",
                                        "metrics-" + UUID.randomUUID())));
        assertThat(result.functionError()).as(result.payload()).isNull();

        List<JsonNode> resets = metricLines("Resets", account.secretId());
        assertThat(resets).singleElement();
        assertThat(resets.getFirst().path("Result").asText()).isEqualTo("RESET");
        assertThat(dimensionSets(resets.getFirst()))
                .containsExactly(List.of("Stack", "Result"), List.of("Stack", "Account", "Result"));
    }
}
