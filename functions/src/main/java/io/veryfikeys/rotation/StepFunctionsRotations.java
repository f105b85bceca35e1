package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.aws.JsonService;
import io.veryfikeys.support.JsonTree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link RunningRotations} as deployed: the executions of the rotation state machine, read with
 * ListExecutions and DescribeExecution and stopped with StopExecution, in Step Functions' JSON
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
 */
public final class StepFunctionsRotations implements RunningRotations {
    private final Supplier<JsonService> sfn;

    public StepFunctionsRotations(Supplier<JsonService> sfn) {
        this.sfn = sfn;
    }

    /**
     * {@code startDate} is epoch seconds as the tree read it, a double: ordering by it is ordering
     * by the number Step Functions sent (a BigDecimal of the same double orders alike, and its
     * class initialisation costs a fresh JVM on JDK 25 about 15 ms).
     */
    private record Running(String executionArn, double startDate) {}

    @Override
    public List<String> of(String stateMachineArn, String secretId) {
        return of(stateMachineArn, secretId, null);
    }

    /**
     * {@code self}, Plan's own execution, is running with this account in its input: it is counted
     * without a DescribeExecution, one round trip less before every plan (issue 18), and one Step
     * Functions call less per rotation against the account's DescribeExecution quota.
     */
    @Override
    public List<String> of(String stateMachineArn, String secretId, String self) {
        ObjectNode request =
                JsonService.request()
                        .put("stateMachineArn", stateMachineArn)
                        .put("statusFilter", "RUNNING");
        List<Running> matching = new ArrayList<>();
        // The fleet's rotations of other accounts are left out by name: no need to read their
        // input.
        sfn.get()
                .items(
                        "ListExecutions",
                        "Step Functions ListExecutions of " + stateMachineArn,
                        request,
                        "nextToken",
                        "executions")
                .filter(item -> ExecutionNames.mayRotate(item.path("name").asText(""), secretId))
                .forEach(
                        item -> {
                            String arn = item.path("executionArn").asText();
                            if (arn.equals(self) || rotates(arn, secretId)) {
                                matching.add(
                                        new Running(arn, item.path("startDate").doubleValue()));
                            }
                        });
        matching.sort(
                Comparator.comparingDouble(Running::startDate)
                        .thenComparing(Running::executionArn));
        return matching.stream().map(Running::executionArn).toList();
    }

    /** Whether the running execution's input names {@code secretId} (one DescribeExecution). */
    private boolean rotates(String executionArn, String secretId) {
        JsonNode description =
                sfn.get()
                        .call(
                                "DescribeExecution",
                                "Step Functions DescribeExecution " + executionArn,
                                JsonService.request().put("executionArn", executionArn));
        return secretId.equals(secretIdOf(description.path("input").asText(null)));
    }

    @Override
    public void stop(String executionArn, String cause) {
        sfn.get()
                .call(
                        "StopExecution",
                        "Step Functions StopExecution " + executionArn,
                        JsonService.request()
                                .put("executionArn", executionArn)
                                .put("error", "StoppedByReset")
                                .put("cause", cause));
    }

    private static String secretIdOf(String input) {
        try {
            JsonNode node = JsonTree.parse(input == null ? "{}" : input);
            return node.path("secretId").asText(null);
        } catch (Exception e) {
            return null;
        }
    }
}
