package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleet state machine's runs as the CLI shows them: the last run's report (counts and the
 * accounts that need a person) and a dry run's decisions, one line per account.
 */
final class FleetRuns {
    private FleetRuns() {}

    /** The most recent fleet execution, or null if there is none. */
    static DescribeExecutionResponse last(SfnClient sfn, String fleetArn) {
        Iterator<ExecutionListItem> newest =
                sfn.listExecutions(b -> b.stateMachineArn(fleetArn).maxResults(1))
                        .executions()
                        .iterator();
        if (!newest.hasNext()) {
            return null;
        }
        String arn = newest.next().executionArn();
        return sfn.describeExecution(b -> b.executionArn(arn));
    }

    static JsonNode output(DescribeExecutionResponse run) {
        try {
            return Target.JSON.readTree(run.output() == null ? "{}" : run.output());
        } catch (Exception e) {
            return Target.JSON.createObjectNode();
        }
    }

    /** The last run for {@code status --json}. */
    static Map<String, Object> toJson(DescribeExecutionResponse run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executionArn", run.executionArn());
        m.put("status", run.statusAsString());
        m.put("start", VeryfiKeysCli.time(run.startDate()));
        m.put("stop", VeryfiKeysCli.time(run.stopDate()));
        JsonNode out = output(run);
        for (String field :
                new String[] {
                    "result", "dryRun", "rotated", "skipped", "blocked", "failed", "needActionCount"
                }) {
            if (out.has(field)) {
                m.put(field, out.get(field));
            }
        }
        return m;
    }

    /** One paragraph: what the last run did, and who needs a person. */
    static void print(PrintWriter out, DescribeExecutionResponse run) {
        JsonNode report = output(run);
        out.printf(
                "  %-12s %s %s, started %s%n",
                "status",
                run.statusAsString(),
                report.path("dryRun").asBoolean(false) ? "(dry run)" : "",
                VeryfiKeysCli.time(run.startDate()));
        if (report.has("rotated")) {
            out.printf(
                    "  %-12s rotated %d, skipped %s, blocked %s, failed %s%n",
                    "accounts",
                    report.path("rotated").asInt(),
                    counts(report.path("skipped")),
                    counts(report.path("blocked")),
                    counts(report.path("failed")));
            for (JsonNode entry : report.path("needAction")) {
                out.printf(
                        "  %-12s %s %s%s%n",
                        "needs action",
                        entry.path("account").asText(),
                        entry.path("outcome").asText(),
                        entry.hasNonNull("executionArn")
                                ? "  " + entry.path("executionArn").asText()
                                : "");
            }
            int more = report.path("needActionCount").asInt() - report.path("needAction").size();
            if (more > 0) {
                out.printf("  %-12s and %d more (the execution's output lists them)%n", "", more);
            }
        }
        out.printf("  %-12s %s%n", "execution", run.executionArn());
    }

    /** A dry run's decisions, one line per account. */
    static void printChoices(PrintWriter out, JsonNode fleet) {
        out.printf("%-40s %-8s %-24s %s%n", "ACCOUNT", "ACTION", "REASON", "DETAIL");
        for (JsonNode c : fleet.path("choices")) {
            out.printf(
                    "%-40s %-8s %-24s %s%n",
                    c.path("account").asText(),
                    c.path("action").asText(),
                    c.path("reason").asText(),
                    c.path("detail").asText());
        }
        JsonNode counts = fleet.path("counts");
        out.printf(
                "rotate %d, skip %s, blocked %s; starts spread over %d s%n",
                counts.path("rotate").asInt(),
                counts(counts.path("skip")),
                counts(counts.path("blocked")),
                fleet.path("startsSpreadOverSeconds").asLong());
    }

    static String counts(JsonNode byReason) {
        if (byReason == null || byReason.isEmpty()) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        byReason.fields()
                .forEachRemaining(
                        e ->
                                b.append(b.isEmpty() ? "" : ", ")
                                        .append(e.getValue().asInt())
                                        .append(' ')
                                        .append(e.getKey()));
        return b.toString();
    }
}
