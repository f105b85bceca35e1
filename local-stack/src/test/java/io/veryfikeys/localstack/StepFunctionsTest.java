package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moto executes the ASL; its Lambda tasks land on the real (fixture) handlers through the Lambda
 * host.
 */
@ExtendWith(LocalAwsStackExtension.class)
@LocalStackTemplate("src/test/resources/test-template.yaml")
class StepFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SM = Path.of("src/test/resources/statemachine");

    static DescribeExecutionResponse await(
            LocalAwsStack stack, String executionArn, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DescribeExecutionResponse d =
                    stack.sfn().describeExecution(r -> r.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING || System.nanoTime() > deadline) return d;
            Thread.sleep(50);
        }
    }

    static List<HistoryEvent> history(LocalAwsStack stack, String executionArn) {
        return stack
                .sfn()
                .getExecutionHistoryPaginator(r -> r.executionArn(executionArn))
                .events()
                .stream()
                .toList();
    }

    /**
     * probe-wait.asl.json deployed as {@code name}: a Wait of {@code seconds}, then the Echo task.
     */
    static String probeWait(LocalAwsStack stack, String name, int seconds) {
        return stack.deployStateMachine(
                name,
                SM.resolve("probe-wait.asl.json"),
                Map.of(
                        "WaitSeconds",
                        Integer.toString(seconds),
                        "EchoArn",
                        "${EchoFunction.Alias}"));
    }

    static List<String> statesEntered(List<HistoryEvent> events) {
        return events.stream()
                .map(HistoryEvent::stateEnteredEventDetails)
                .filter(Objects::nonNull)
                .map(d -> d.name())
                .toList();
    }

    @Test
    void catchOnFullyQualifiedExceptionNameRoutesToItsState(LocalAwsStack stack) throws Exception {
        String arn = stack.deployStateMachine("TestFlow");
        assertThat(arn).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:TestFlow");
        int echo = stack.lambdaHost().invocationCount("EchoFunction");
        int failing = stack.lambdaHost().invocationCount("FailingFunction");

        String exec =
                stack.sfn()
                        .startExecution(r -> r.stateMachineArn(arn).input("{\"account\":\"acme\"}"))
                        .executionArn();
        DescribeExecutionResponse d = await(stack, exec, Duration.ofSeconds(30));

        List<HistoryEvent> events = history(stack, exec);
        assertThat(d.status()).as(events.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(statesEntered(events)).containsExactly("Echo", "Fail", "Caught");
        JsonNode out = JSON.readTree(d.output());
        assertThat(out.at("/echo/echoed/input/account").asText()).isEqualTo("acme");
        assertThat(out.at("/error/Error").asText())
                .isEqualTo("io.veryfikeys.localstack.fixtures.BoomException");
        assertThat(JSON.readTree(out.at("/error/Cause").asText()).path("errorMessage").asText())
                .isEqualTo("boom for acme");
        assertThat(events)
                .extracting(HistoryEvent::type)
                .contains(HistoryEventType.TASK_SUCCEEDED, HistoryEventType.LAMBDA_FUNCTION_FAILED);
        assertThat(stack.lambdaHost().invocationCount("EchoFunction")).isEqualTo(echo + 1);
        assertThat(stack.lambdaHost().invocationCount("FailingFunction")).isEqualTo(failing + 1);
    }

    @Test
    void waitStateReallySleeps(LocalAwsStack stack) throws Exception {
        String arn = probeWait(stack, "probe-wait-2", 2);
        long t0 = System.nanoTime();
        String exec =
                stack.sfn().startExecution(r -> r.stateMachineArn(arn).input("{}")).executionArn();
        DescribeExecutionResponse d = await(stack, exec, Duration.ofSeconds(20));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[probe] Wait 2s execution took " + millis + " ms");
        assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(millis).isGreaterThanOrEqualTo(2000);
        assertThat(JSON.readTree(d.output()).at("/input/after").asText()).isEqualTo("wait");
    }

    @Test
    void stopExecutionStopsARunningExecution(LocalAwsStack stack) throws Exception {
        String arn = probeWait(stack, "probe-stop", 3);
        int echo = stack.lambdaHost().invocationCount("EchoFunction");
        String exec =
                stack.sfn().startExecution(r -> r.stateMachineArn(arn).input("{}")).executionArn();
        Thread.sleep(700);
        stack.sfn().stopExecution(r -> r.executionArn(exec).error("Stopped").cause("by test"));
        DescribeExecutionResponse d = stack.sfn().describeExecution(r -> r.executionArn(exec));
        System.out.println("[probe] status right after StopExecution: " + d.status());
        Thread.sleep(3500); // past the Wait: the Task after it must not run
        d = stack.sfn().describeExecution(r -> r.executionArn(exec));
        List<HistoryEvent> events = history(stack, exec);
        System.out.println(
                "[probe] after stop + 3.5s: status "
                        + d.status()
                        + ", states entered "
                        + statesEntered(events)
                        + ", last event "
                        + events.get(events.size() - 1).type());
        assertThat(d.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(statesEntered(events)).doesNotContain("After");
        assertThat(stack.lambdaHost().invocationCount("EchoFunction")).isEqualTo(echo);
    }

    /**
     * AWS's ListExecutions tokens stay valid for 24 hours
     * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html:
     * "Each pagination token expires after 24 hours"); an execution that ends between two pages
     * does not void the token. Moto's token names the next page's first execution and failed with
     * InvalidToken once that one had ended: the rotation's Plan, listing the running rotations
     * while a fleet's children came and went, failed.
     */
    @Test
    void aListExecutionsTokenOutlivesTheExecutionItNames(LocalAwsStack stack) throws Exception {
        String arn = probeWait(stack, "probe-pages", 30);
        List<String> started = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(
                    stack.sfn()
                            .startExecution(r -> r.stateMachineArn(arn).input("{}"))
                            .executionArn());
            Thread.sleep(20); // distinct start dates
        }
        try {
            var first =
                    stack.sfn()
                            .listExecutions(
                                    r ->
                                            r.stateMachineArn(arn)
                                                    .statusFilter(ExecutionStatus.RUNNING)
                                                    .maxResults(1));
            assertThat(first.executions()).hasSize(1);
            assertThat(first.nextToken()).isNotNull();
            // newest first: the next page starts with the second newest, which now ends
            String named = started.get(1);
            stack.sfn().stopExecution(r -> r.executionArn(named));

            var rest =
                    stack.sfn()
                            .listExecutions(
                                    r ->
                                            r.stateMachineArn(arn)
                                                    .statusFilter(ExecutionStatus.RUNNING)
                                                    .nextToken(first.nextToken())
                                                    .maxResults(10));

            assertThat(rest.executions())
                    .extracting(e -> e.executionArn())
                    .containsExactly(started.get(0));
        } finally {
            for (String e : started) {
                try {
                    stack.sfn().stopExecution(r -> r.executionArn(e));
                } catch (software.amazon.awssdk.services.sfn.model.SfnException ended) {
                    // already stopped
                }
            }
        }
    }

    @Test
    void mapStateInvokesConcurrently(LocalAwsStack stack) throws Exception {
        String arn =
                stack.deployStateMachine(
                        "probe-map",
                        SM.resolve("probe-map.asl.json"),
                        Map.of("EchoArn", "${EchoFunction.Alias}"));
        int echo = stack.lambdaHost().invocationCount("EchoFunction");
        stack.lambdaHost().resetMostConcurrentInvocations("EchoFunction");
        long t0 = System.nanoTime();
        String exec =
                stack.sfn()
                        .startExecution(
                                r ->
                                        r.stateMachineArn(arn)
                                                .input(
                                                        "{\"items\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}"))
                        .executionArn();
        DescribeExecutionResponse d = await(stack, exec, Duration.ofSeconds(30));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[probe] Map of 6 x 300 ms invocations took " + millis + " ms");
        assertThat(d.status())
                .as(String.valueOf(history(stack, exec)))
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode out = JSON.readTree(d.output());
        assertThat(out).hasSize(6);
        assertThat(out.get(5).at("/input/item").asText()).isEqualTo("f");
        assertThat(stack.lambdaHost().invocationCount("EchoFunction")).isEqualTo(echo + 6);
        // Concurrently: at some moment at least two of the six ran at once (not a timing guess: the
        // Lambda host counts the invocations in flight). One at a time, this fails.
        assertThat(stack.lambdaHost().mostConcurrentInvocations("EchoFunction"))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void snsPublishIntegrationReachesASubscribedQueue(LocalAwsStack stack) throws Exception {
        SnsCapture alerts = stack.subscribeQueue(stack.topicArn("AlertTopic"));
        String arn =
                stack.deployStateMachine(
                        "probe-publish", SM.resolve("probe-publish.asl.json"), Map.of());
        String exec =
                stack.sfn()
                        .startExecution(
                                r -> r.stateMachineArn(arn).input("{\"text\":\"rotated key 42\"}"))
                        .executionArn();
        DescribeExecutionResponse d = await(stack, exec, Duration.ofSeconds(20));
        assertThat(d.status())
                .as(String.valueOf(history(stack, exec)))
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(alerts.awaitMessages(1, Duration.ofSeconds(5)))
                .containsExactly("rotated key 42");

        stack.sns().publish(r -> r.topicArn(stack.topicArn("AlertTopic")).message("direct"));
        assertThat(alerts.awaitMessages(1, Duration.ofSeconds(5))).containsExactly("direct");
    }

    /**
     * A closed capture leaves nothing in moto for later messages and events to be delivered to: no
     * subscription on the topic, no rule on the bus, no queue.
     */
    @Test
    void closedCapturesLeaveNoSubscriptionRuleOrQueue(LocalAwsStack stack) {
        String topic = stack.topicArn("AlertTopic");
        SnsCapture alerts = stack.subscribeQueue(topic);
        EventCapture events = stack.captureEvents("capture-close-test");
        String subscription = alerts.subscriptionArn();
        int queues = stack.sqs().listQueues().queueUrls().size();
        assertThat(stack.sns().listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions())
                .anyMatch(s -> s.subscriptionArn().equals(subscription));

        alerts.close();
        events.close();

        assertThat(stack.sns().listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions())
                .noneMatch(s -> s.subscriptionArn().equals(subscription));
        assertThat(stack.events().listRules(r -> r.namePrefix("capture-events-")).rules())
                .as("the capture's rule")
                .isEmpty();
        assertThat(stack.sqs().listQueues().queueUrls()).hasSize(queues - 2);
    }
}
