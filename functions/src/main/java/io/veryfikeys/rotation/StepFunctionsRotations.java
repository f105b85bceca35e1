package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.Json;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** The {@link RunningRotations} as deployed: the executions of the rotation state machine. */
public final class StepFunctionsRotations implements RunningRotations {
    private final Supplier<SfnClient> sfn;

    public StepFunctionsRotations(Supplier<SfnClient> sfn) {
        this.sfn = sfn;
    }

    @Override
    public List<String> of(String stateMachineArn, String secretId) {
        List<ExecutionListItem> matching = new ArrayList<>();
        for (ExecutionListItem item :
                sfn.get()
                        .listExecutionsPaginator(
                                b ->
                                        b.stateMachineArn(stateMachineArn)
                                                .statusFilter(ExecutionStatus.RUNNING))
                        .executions()) {
            if (!ExecutionNames.mayRotate(item.name(), secretId)) {
                continue; // the fleet's rotation of another account: no need to read its input
            }
            DescribeExecutionResponse description =
                    sfn.get().describeExecution(b -> b.executionArn(item.executionArn()));
            if (secretId.equals(secretIdOf(description.input()))) {
                matching.add(item);
            }
        }
        matching.sort(
                Comparator.comparing(ExecutionListItem::startDate)
                        .thenComparing(ExecutionListItem::executionArn));
        return matching.stream().map(ExecutionListItem::executionArn).toList();
    }

    @Override
    public void stop(String executionArn, String cause) {
        sfn.get()
                .stopExecution(
                        b -> b.executionArn(executionArn).error("StoppedByReset").cause(cause));
    }

    private static String secretIdOf(String input) {
        try {
            JsonNode node = Json.MAPPER.readTree(input == null ? "{}" : input);
            return node.path("secretId").asText(null);
        } catch (Exception e) {
            return null;
        }
    }
}
