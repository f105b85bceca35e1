package io.veryfikeys.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of a fleet run in one message: how many accounts were rotated, skipped and blocked (by
 * reason) and how many rotations did not succeed (by outcome), with the accounts that need a
 * person. Pure: {@code FleetReportHandler} hands it what ListAccounts decided and what each
 * account's rotation ended with, and publishes the result as the one alert of the run.
 *
 * @param rotated accounts whose rotation succeeded
 * @param skipped not started by policy (PAUSED, NOT_DUE, ...) or already running, by reason
 * @param blocked not started, or refused by their plan, on a problem a person must fix, by reason
 * @param failed rotations that ended otherwise (CONSUMERS_LAGGING, REVERTED, FAILED, ...)
 * @param needAction the accounts behind {@code blocked} and {@code failed}, at most {@link
 *     #LISTED}; every account's rotation has its own alert too
 */
public record FleetReport(
        int rotated,
        Map<String, Integer> skipped,
        Map<String, Integer> blocked,
        Map<String, Integer> failed,
        List<Entry> needAction,
        int needActionCount) {
    /** An SNS message holds 256 KB: the alert names this many, the execution's output all. */
    public static final int LISTED = 50;

    /** One account in the report: its outcome (or reason) and its rotation's execution name. */
    public record Entry(String account, String outcome, String execution) {}

    /**
     * One account's rotation as the fleet's Map saw it end: {@code outcome} is the rotation
     * report's result (SUCCEEDED, ALREADY_RUNNING) when it succeeded, else the error its execution
     * failed with (Blocked, ConsumersLagging, Reverted, ...) or, if it never ran, the Task's error.
     */
    public record Result(
            String account,
            String outcome,
            String execution,
            @com.fasterxml.jackson.annotation.JsonProperty("Error") String error)
            implements io.veryfikeys.support.JsonRecords.IgnoresUnknown {
        public Result(String account, String outcome, String execution) {
            this(account, outcome, execution, null);
        }

        /**
         * A branch of the Map that failed itself (not its rotation) leaves {@code {"Error",
         * "Cause"}} in place of its result: its error is then the outcome.
         */
        String ended() {
            return outcome != null ? outcome : error;
        }
    }

    /**
     * The report of a run: {@code started} are the accounts the Map was given, as [secret, start,
     * execution name]; one whose branch left no result (the branch itself failed, so its Map slot
     * is empty) counts as failed, {@code NO_RESULT}, named with its rotation's execution, which may
     * still be running.
     */
    public static FleetReport of(
            List<FleetChoice> notStarted, List<List<String>> started, List<Result> results) {
        java.util.Set<String> reported = new java.util.HashSet<>();
        List<Result> all = new ArrayList<>();
        for (Result result : results) {
            if (result != null) {
                all.add(result);
                reported.add(result.account());
            }
        }
        for (List<String> item : started) {
            if (!reported.contains(item.get(0))) {
                all.add(new Result(item.get(0), "NO_RESULT", item.size() > 2 ? item.get(2) : null));
            }
        }
        return of(notStarted, all);
    }

    public static FleetReport of(List<FleetChoice> notStarted, List<Result> results) {
        // Discovery's counts first (a rotating choice never reaches notStarted; if one did, it
        // would count nowhere here), then what each started rotation ended with.
        FleetCounts discovery = FleetCounts.of(notStarted);
        Map<String, Integer> skipped = new TreeMap<>(discovery.skip());
        Map<String, Integer> blocked = new TreeMap<>(discovery.blocked());
        Map<String, Integer> failed = new TreeMap<>();
        List<Entry> needAction = new ArrayList<>();
        for (FleetChoice choice : notStarted) {
            if (choice.action() == FleetChoice.Action.BLOCKED) {
                needAction.add(new Entry(choice.account(), choice.reason().name(), null));
            }
        }
        int rotated = 0;
        for (Result result : results) {
            String outcome = outcome(result.ended());
            switch (outcome) {
                case "SUCCEEDED" -> rotated++;
                case "ALREADY_RUNNING" -> skipped.merge(outcome, 1, Integer::sum);
                case "BLOCKED" -> {
                    blocked.merge(outcome, 1, Integer::sum);
                    needAction.add(new Entry(result.account(), outcome, result.execution()));
                }
                default -> {
                    failed.merge(outcome, 1, Integer::sum);
                    needAction.add(new Entry(result.account(), outcome, result.execution()));
                }
            }
        }
        return new FleetReport(
                rotated,
                skipped,
                blocked,
                failed,
                List.copyOf(needAction.subList(0, Math.min(LISTED, needAction.size()))),
                needAction.size());
    }

    /**
     * The rotation's Fail states are named in CamelCase (Blocked, ConsumersLagging) and its report
     * results in CAPITALS (SUCCEEDED, CONSUMERS_LAGGING): one spelling, the Outcome's.
     */
    static String outcome(String raw) {
        if (raw == null || raw.isBlank()) {
            return "UNKNOWN";
        }
        if (raw.contains(".")) {
            return raw; // an error name such as States.TaskFailed, as it is
        }
        return raw.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    /** Whether anything needs a person: the alert's subject and its {@code result} say so. */
    public boolean needsAction() {
        return needActionCount > 0;
    }
}
