package io.veryfikeys.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.aws.AwsNotifier;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Log;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Last state of the fleet run: one report of the whole run (the state machine's output, which
 * {@code veryfi-keys status} shows) and one alert for it. Each account whose rotation needs a
 * person has already alerted on its own; this alert counts and names them.
 */
public final class FleetReportHandler
        extends StepHandler<FleetReportHandler.Request, Map<String, Object>> {
    private static final Log LOG = Log.get(FleetReportHandler.class);
    private static final Notifier NOTIFIER = AwsNotifier.fromEnvironment();

    /**
     * What the fleet state machine passes: ListAccounts' decisions for the accounts it did not
     * start, and each started account's end as the Map recorded it.
     */
    public record Request(
            String runId,
            String executionId,
            String rotationStateMachineArn,
            List<FleetChoice> notStarted,
            List<List<String>> started,
            List<FleetReport.Result> results,
            Map<String, Object> discovery) {}

    public FleetReportHandler() {
        super(Request.class, true, FleetReportHandler::prime);
    }

    @Override
    protected Map<String, Object> handle(Request request, Context context) {
        Log.context("account", "fleet");
        Log.context("executionId", request.executionId());
        if (request.runId() == null || request.notStarted() == null || request.results() == null) {
            throw new InvalidInputException(
                    "the fleet report needs runId, notStarted and results: the fleet state machine"
                            + " passes them (deploy statemachine/fleet.asl.json with template.yaml)");
        }
        List<List<String>> started = request.started() == null ? List.of() : request.started();
        FleetReport report = FleetReport.of(request.notStarted(), started, request.results());
        String executions = executionArnPrefix(request.rotationStateMachineArn());
        Map<String, Object> alert = new LinkedHashMap<>();
        // Issue 17: the keys older than their maximum that ListAccounts found (absent in a run
        // that an older definition started).
        Object overMaxAge =
                request.discovery() == null ? null : request.discovery().get("keysOverMaxAge");
        int keysOverMaxAge =
                overMaxAge instanceof Map<?, ?> m && m.get("count") instanceof Number n
                        ? n.intValue()
                        : 0;
        String result =
                report.needsAction() || keysOverMaxAge > 0
                        ? "FLEET_NEEDS_ACTION"
                        : "FLEET_COMPLETED";
        alert.put("result", result);
        alert.put("account", "fleet");
        alert.put("runId", request.runId());
        alert.put("rotated", report.rotated());
        alert.put("skipped", report.skipped());
        alert.put("blocked", report.blocked());
        alert.put("failed", report.failed());
        alert.put("needActionCount", report.needActionCount());
        alert.put(
                "needAction",
                report.needAction().stream()
                        .map(e -> entry(e.account(), e.outcome(), e.execution(), executions))
                        .toList());
        if (overMaxAge != null) {
            alert.put("keysOverMaxAge", overMaxAge);
        }
        alert.put("executionId", request.executionId());
        String subject =
                "Veryfi key rotation: fleet run "
                        + report.rotated()
                        + " rotated"
                        + (report.needsAction()
                                ? ", " + report.needActionCount() + " need action"
                                : "")
                        + (keysOverMaxAge > 0
                                ? ", " + keysOverMaxAge + " key(s) older than allowed"
                                : "")
                        + (result.equals("FLEET_COMPLETED") ? ", nothing needs action" : "");
        String messageId = NOTIFIER.alert(subject, result, alert);
        LOG.info(
                "fleet.reported",
                "result",
                result,
                "rotated",
                report.rotated(),
                "needAction",
                report.needActionCount(),
                "messageId",
                messageId);
        Map<String, Object> output = new LinkedHashMap<>(alert);
        output.put("executionArnPrefix", executions);
        output.put("discovery", request.discovery());
        // Every started account, compactly: [account, outcome, execution name].
        output.put(
                "accounts",
                request.results().stream()
                        .filter(java.util.Objects::nonNull)
                        .map(
                                r ->
                                        List.of(
                                                r.account() == null ? "" : r.account(),
                                                FleetReport.outcome(r.ended()),
                                                r.execution() == null ? "" : r.execution()))
                        .toList());
        output.put("messageId", messageId);
        return output;
    }

    private static Map<String, Object> entry(
            String account, String outcome, String execution, String prefix) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("account", account);
        entry.put("outcome", outcome);
        if (execution != null && prefix != null) {
            entry.put("executionArn", prefix + execution);
        }
        return entry;
    }

    /**
     * The rotation state machine's executions are {@code arn:...:execution:<name>:<execution>}: the
     * fleet names each account's execution, so its ARN follows from the name.
     */
    static String executionArnPrefix(String stateMachineArn) {
        if (stateMachineArn == null || !stateMachineArn.contains(":stateMachine:")) {
            return null;
        }
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":";
    }

    private static void prime() {
        Priming.common();
        Priming.json(
                Request.class,
                "{\"runId\":\"20260101T000000-priming\",\"executionId\":\"priming\","
                        + "\"rotationStateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:priming\","
                        + "\"notStarted\":[{\"account\":\"veryfi/p\",\"action\":\"SKIP\",\"reason\":\"PAUSED\",\"detail\":\"p\"}],"
                        + "\"started\":[[\"veryfi/q\",\"2026-01-01T00:00:00Z\",\"q-0\"]],"
                        + "\"results\":[{\"account\":\"veryfi/q\",\"outcome\":\"SUCCEEDED\",\"execution\":\"q-0\"},null]}");
        Priming.sdkCall(
                AwsClients::sns,
                c ->
                        c.publish(
                                "arn:aws:sns:us-east-1:123456789012:priming",
                                "priming",
                                "{}",
                                java.util.Map.of("result", "PRIMING")));
    }
}
