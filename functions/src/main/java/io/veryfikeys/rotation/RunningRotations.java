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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The running rotation executions of an account, read from Step Functions itself: the
 * executions are the lock, so there is no lock table to leak or expire.
 */
public final class RunningRotations {
    private final Supplier<SfnClient> sfn;

    public RunningRotations(Supplier<SfnClient> sfn) {
        this.sfn = sfn;
    }

    /** Running executions of {@code stateMachineArn} whose input names {@code secretId}, oldest first. */
    public List<ExecutionListItem> of(String stateMachineArn, String secretId) {
        List<ExecutionListItem> matching = new ArrayList<>();
        for (ExecutionListItem item : sfn.get().listExecutionsPaginator(b -> b.stateMachineArn(stateMachineArn)
                .statusFilter(ExecutionStatus.RUNNING)).executions()) {
            DescribeExecutionResponse description = sfn.get().describeExecution(b -> b.executionArn(item.executionArn()));
            if (secretId.equals(secretIdOf(description.input()))) {
                matching.add(item);
            }
        }
        matching.sort(Comparator.comparing(ExecutionListItem::startDate).thenComparing(ExecutionListItem::executionArn));
        return matching;
    }

    /**
     * The execution that owns the account's rotation: the oldest running one. Every contender
     * computes the same answer, so of N rotations started together exactly one goes ahead.
     */
    public Optional<String> ownerOtherThan(String stateMachineArn, String secretId, String executionArn) {
        return of(stateMachineArn, secretId).stream().findFirst()
                .map(ExecutionListItem::executionArn)
                .filter(owner -> !owner.equals(executionArn));
    }

    public void stop(String executionArn, String cause) {
        sfn.get().stopExecution(b -> b.executionArn(executionArn).error("StoppedByReset").cause(cause));
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
