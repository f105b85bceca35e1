package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rotation state machine's executions, per account. An execution belongs to the account named
 * by its input's {@code secretId}; its outcome is the result the Report step published (from the
 * output, or from the Fail state the execution ended in).
 */
public final class Executions {
    private static final Map<String, String> FAIL_STATES =
            Map.of(
                    "Blocked", "BLOCKED",
                    "ConsumersLagging", "CONSUMERS_LAGGING",
                    "Reverted", "REVERTED",
                    "RevertIncomplete", "REVERT_INCOMPLETE",
                    "NewKeyRejected", "NEW_KEY_REJECTED",
                    "RotationFailed", "FAILED",
                    "ReportingFailed", "REPORTING_FAILED");

    /**
     * One execution, ids only. {@code consumers}: those its plan polled ("name healthUrl"), null
     * when the execution's output does not say (it failed or is running).
     */
    public record Run(
            String account,
            String executionArn,
            String name,
            String status,
            String outcome,
            Instant start,
            Instant stop,
            Long oldKeyId,
            Long newKeyId,
            String error,
            String cause,
            List<String> consumers) {
        public boolean succeeded() {
            return "SUCCEEDED".equals(outcome);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("account", account);
            m.put("executionArn", executionArn);
            m.put("status", status);
            m.put("outcome", outcome);
            m.put("start", start == null ? null : start.toString());
            m.put("stop", stop == null ? null : stop.toString());
            m.put("oldKeyId", oldKeyId);
            m.put("newKeyId", newKeyId);
            if (error != null) m.put("error", error);
            if (cause != null) m.put("cause", cause);
            return m;
        }
    }

    private final SfnClient sfn;
    private final String stateMachineArn;

    public Executions(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    /**
     * Executions of the given accounts (all accounts if empty), newest first, looking at the {@code
     * scan} most recent executions of the state machine at most.
     */
    public List<Run> list(List<String> accounts, ExecutionStatus statusFilter, int scan) {
        List<ExecutionListItem> items = new ArrayList<>();
        for (var page :
                sfn.listExecutionsPaginator(
                        r -> {
                            r.stateMachineArn(stateMachineArn).maxResults(Math.min(scan, 100));
                            if (statusFilter != null) r.statusFilter(statusFilter);
                        })) {
            items.addAll(page.executions());
            if (items.size() >= scan) break;
        }
        items.sort(
                Comparator.comparing(
                        ExecutionListItem::startDate,
                        Comparator.nullsLast(Comparator.reverseOrder())));
        List<Run> runs = new ArrayList<>();
        for (ExecutionListItem item : items.subList(0, Math.min(scan, items.size()))) {
            DescribeExecutionResponse d =
                    sfn.describeExecution(r -> r.executionArn(item.executionArn()));
            String account = readJson(d.input()).path("secretId").asText(null);
            if (account == null || (!accounts.isEmpty() && !accounts.contains(account))) continue;
            runs.add(run(account, d));
        }
        return runs;
    }

    public Run describe(String executionArn) {
        DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(executionArn));
        return run(readJson(d.input()).path("secretId").asText(null), d);
    }

    private Run run(String account, DescribeExecutionResponse d) {
        String error = d.error();
        String cause = d.cause();
        if (d.status() == ExecutionStatus.FAILED && error == null) {
            HistoryEvent last = lastEvent(d.executionArn());
            if (last != null && last.executionFailedEventDetails() != null) {
                error = last.executionFailedEventDetails().error();
                cause = last.executionFailedEventDetails().cause();
            }
        }
        JsonNode output = readJson(d.output());
        String outcome =
                switch (d.status()) {
                    case RUNNING -> "RUNNING";
                    case SUCCEEDED -> output.path("report").path("result").asText("SUCCEEDED");
                    case FAILED ->
                            error == null ? "FAILED" : FAIL_STATES.getOrDefault(error, error);
                    case ABORTED -> "STOPPED";
                    case TIMED_OUT -> "TIMED_OUT";
                    default -> String.valueOf(d.status());
                };
        Long oldKeyId = null;
        Long newKeyId = null;
        JsonNode rollout =
                output.has("rollout") ? output.get("rollout") : output.path("plan").path("rollout");
        if (rollout.hasNonNull("newKeyId")) {
            oldKeyId = rollout.path("oldKeyId").asLong();
            newKeyId = rollout.path("newKeyId").asLong();
        } else if (output.path("plan").hasNonNull("currentKeyId")) {
            oldKeyId = output.path("plan").path("currentKeyId").asLong();
        }
        return new Run(
                account,
                d.executionArn(),
                d.name(),
                d.statusAsString(),
                outcome,
                d.startDate(),
                d.stopDate(),
                oldKeyId,
                newKeyId,
                error,
                cause,
                consumersOf(output.path("plan")));
    }

    /** The consumers a plan polls, each as "name healthUrl"; null when the JSON has no plan. */
    static List<String> consumersOf(JsonNode plan) {
        if (!plan.path("consumers").isArray()) return null;
        List<String> consumers = new ArrayList<>();
        plan.path("consumers")
                .forEach(
                        c ->
                                consumers.add(
                                        c.path("name").asText()
                                                + " "
                                                + c.path("healthUrl").asText()));
        return consumers;
    }

    private HistoryEvent lastEvent(String executionArn) {
        List<HistoryEvent> events =
                sfn.getExecutionHistory(
                                r -> r.executionArn(executionArn).reverseOrder(true).maxResults(1))
                        .events();
        return events.isEmpty() ? null : events.get(0);
    }

    static JsonNode readJson(String text) {
        if (text == null || text.isBlank()) return Target.JSON.createObjectNode();
        try {
            return Target.JSON.readTree(text);
        } catch (Exception e) {
            return Target.JSON.createObjectNode();
        }
    }
}
