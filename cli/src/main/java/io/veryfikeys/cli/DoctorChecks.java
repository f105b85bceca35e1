package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The doctor's judgements: plain values in (what the deployment's APIs answered), a verdict with
 * the fix out. No AWS call here; {@link Doctor} gathers the facts.
 */
final class DoctorChecks {
    enum Status {
        OK,
        WARN,
        FAIL
    }

    /** One line of the report. {@code fix} is null when there is nothing to do. */
    record Check(String area, String subject, Status status, String detail, String fix) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("area", area);
            m.put("subject", subject);
            m.put("status", status.name());
            m.put("detail", detail);
            if (fix != null) m.put("fix", fix);
            return m;
        }
    }

    /** A subscription of the alerts topic as ListSubscriptionsByTopic shows it. */
    record Subscriber(String protocol, String endpoint, boolean confirmed) {}

    /**
     * A function's {@code live} version as GetFunctionConfiguration shows it; null fields when
     * unknown.
     */
    record FunctionState(
            String name,
            String version,
            String state,
            String stateReasonCode,
            String lastUpdateStatus,
            String snapStartApplyOn,
            String optimizationStatus) {}

    /** An EventBridge rule that starts the fleet state machine. */
    record Rule(String name, String expression, String state) {}

    static final String RUNBOOK = "README 'Operate'";

    private DoctorChecks() {}

    static Check alerts(String topicArn, List<Subscriber> subscribers) {
        List<Subscriber> confirmed = subscribers.stream().filter(Subscriber::confirmed).toList();
        List<Subscriber> pending = subscribers.stream().filter(s -> !s.confirmed()).toList();
        String pendingText =
                pending.isEmpty()
                        ? ""
                        : "; pending confirmation: "
                                + pending.stream()
                                        .map(s -> s.protocol() + " " + s.endpoint())
                                        .toList();
        if (confirmed.isEmpty()) {
            return new Check(
                    "alerts",
                    topicArn,
                    Status.FAIL,
                    "no confirmed subscription"
                            + pendingText
                            + ": every alert (blocked, failed, reset) would reach nobody",
                    pending.isEmpty()
                            ? "subscribe the on-call inbox or pager: redeploy with AlertEmail=..., or"
                                    + " aws sns subscribe --topic-arn "
                                    + topicArn
                                    + " --protocol email --notification-endpoint ..."
                            : "confirm the subscription (the link in the email from AWS Notifications)");
        }
        return new Check(
                "alerts",
                topicArn,
                pending.isEmpty() ? Status.OK : Status.WARN,
                confirmed.size()
                        + " confirmed ("
                        + String.join(
                                ", ",
                                confirmed.stream().map(Subscriber::protocol).distinct().toList())
                        + ")"
                        + pendingText,
                pending.isEmpty()
                        ? null
                        : "confirm the pending subscription (the link in the email from AWS Notifications)");
    }

    static Check function(FunctionState f, boolean snapStartExpected) {
        if (f.state() == null) {
            return new Check(
                    "function",
                    f.name(),
                    Status.FAIL,
                    "no live alias (version) found",
                    "deploy the stack with sam deploy (AutoPublishAlias publishes 'live')");
        }
        String what =
                "live = version "
                        + f.version()
                        + ", "
                        + f.state()
                        + (f.stateReasonCode() == null ? "" : " (" + f.stateReasonCode() + ")")
                        + ", last update "
                        + f.lastUpdateStatus()
                        + ", SnapStart "
                        + f.optimizationStatus();
        if ("Failed".equals(f.state()) || "Failed".equals(f.lastUpdateStatus())) {
            return new Check(
                    "function",
                    f.name(),
                    Status.FAIL,
                    what,
                    "redeploy (sam deploy); the Lambda console shows the failure reason of the version");
        }
        if ("Inactive".equals(f.state())) {
            return new Check(
                    "function",
                    f.name(),
                    Status.WARN,
                    what
                            + ": idle for 14 days, the snapshot is re-made on"
                            + " the next invocation (the state machine retries SnapStartNotReady meanwhile)",
                    "nothing needed; to warm it now, run 'veryfi-keys doctor ACCOUNT' again in a minute");
        }
        if (!"Active".equals(f.state()) || "InProgress".equals(f.lastUpdateStatus())) {
            return new Check(
                    "function",
                    f.name(),
                    Status.WARN,
                    what + ": not ready yet",
                    "wait, then run doctor again");
        }
        if (snapStartExpected && !"On".equals(f.optimizationStatus())) {
            return new Check(
                    "function",
                    f.name(),
                    Status.WARN,
                    what
                            + ": the live version runs without SnapStart"
                            + " (every cold start pays the full JVM start)",
                    "redeploy with the template's SnapStart setting");
        }
        return new Check("function", f.name(), Status.OK, what, null);
    }

    static Check schedule(List<Rule> rules, Instant now) {
        if (rules.isEmpty()) {
            return new Check(
                    "schedule",
                    "fleet",
                    Status.FAIL,
                    "no EventBridge rule starts the fleet state machine:"
                            + " no account is rotated unless someone starts it",
                    "redeploy the stack (sam deploy)");
        }
        List<Rule> enabled = rules.stream().filter(r -> "ENABLED".equals(r.state())).toList();
        if (enabled.isEmpty()) {
            return new Check(
                    "schedule",
                    rules.get(0).name(),
                    Status.WARN,
                    rules.get(0).expression()
                            + " is DISABLED: rotations run only when started by hand",
                    "to schedule them: sam deploy --parameter-overrides ScheduleState=ENABLED");
        }
        Rule r = enabled.get(0);
        Optional<Instant> next = ScheduleExpressions.next(r.expression(), now);
        return new Check(
                "schedule",
                r.name(),
                Status.OK,
                r.expression()
                        + " ENABLED, next run "
                        + next.map(t -> t.toString())
                                .orElse(
                                        "(not computed here for this expression: see the EventBridge console)"),
                null);
    }

    /**
     * What a check-only Plan said about an account ({@code checkup}: the function's answer, or null
     * with {@code functionError} set). Several lines: the decision, the keys, each consumer.
     */
    static List<Check> account(String account, JsonNode checkup, String functionError) {
        List<Check> checks = new ArrayList<>();
        if (checkup == null) {
            checks.add(
                    new Check(
                            "account",
                            account,
                            Status.FAIL,
                            "the check failed in the Plan function: " + functionError,
                            fixForError(functionError)));
            return checks;
        }
        JsonNode plan = checkup.path("plan");
        String action = plan.path("action").asText();
        long current = plan.path("currentKeyId").asLong();
        String reason = plan.path("reason").asText();
        switch (action) {
            case "BLOCKED" ->
                    checks.add(
                            new Check(
                                    "account",
                                    account,
                                    Status.FAIL,
                                    "the next run would be BLOCKED: " + reason,
                                    "see the reason; README 'What each outcome means'"));
            case "ALREADY_RUNNING" ->
                    checks.add(
                            new Check(
                                    "account",
                                    account,
                                    Status.WARN,
                                    reason,
                                    "follow it: veryfi-keys history " + account));
            case "FINISH_PREVIOUS" ->
                    checks.add(
                            new Check(
                                    "account",
                                    account,
                                    Status.WARN,
                                    "the next run would "
                                            + "finish an interrupted rotation first: "
                                            + reason,
                                    null));
            default ->
                    checks.add(
                            new Check(
                                    "account",
                                    account,
                                    Status.OK,
                                    "secret valid, Veryfi accepts AWSCURRENT"
                                            + " key "
                                            + current
                                            + "; next run: "
                                            + reason,
                                    null));
        }
        List<Long> live = new ArrayList<>();
        plan.path("knownKeyIds").forEach(n -> live.add(n.asLong()));
        if (live.size() == 2 && !"BLOCKED".equals(action)) {
            TreeSet<Long> other = new TreeSet<>(live);
            other.remove(current);
            checks.add(
                    new Check(
                            "keys",
                            account,
                            Status.WARN,
                            "2 live keys at Veryfi "
                                    + live
                                    + ": key "
                                    + other
                                    + " is left from an unfinished rotation or a reset; the next run deletes it once no consumer uses it",
                            null));
        } else if (!live.isEmpty()) {
            checks.add(
                    new Check(
                            "keys",
                            account,
                            Status.OK,
                            live.size() + " live key at Veryfi " + live + ", held by the secret",
                            null));
        }
        JsonNode consumers = checkup.path("consumers");
        if (consumers.isEmpty() && plan.path("consumers").isEmpty()) {
            checks.add(
                    new Check(
                            "consumers",
                            account,
                            Status.OK,
                            "none registered (declared noConsumers)",
                            null));
        }
        for (JsonNode c : consumers) {
            String name = account + ":" + c.path("name").asText();
            if (c.hasNonNull("problem")) {
                checks.add(
                        new Check(
                                "consumer",
                                name,
                                Status.FAIL,
                                "not reachable from the functions: " + c.path("problem").asText(),
                                "make its health endpoint reachable from the functions' network"
                                        + " (VPC, security group), or fix healthUrl in the registry"));
            } else if (c.path("keyId").isNull() || c.path("keyId").isMissingNode()) {
                checks.add(
                        new Check(
                                "consumer",
                                name,
                                Status.FAIL,
                                "answers without a keyId",
                                "the health endpoint must return {\"keyId\": <id of the key in use>, \"healthy\": true}"));
            } else if (c.path("keyId").asLong() != current) {
                checks.add(
                        new Check(
                                "consumer",
                                name,
                                Status.WARN,
                                "uses key "
                                        + c.path("keyId").asLong()
                                        + ", not AWSCURRENT "
                                        + current
                                        + ": it has not refetched the secret",
                                "restart it or make it refetch AWSCURRENT; a rotation waits for it"));
            } else if (!c.path("healthy").asBoolean()) {
                checks.add(
                        new Check(
                                "consumer",
                                name,
                                Status.WARN,
                                "uses key " + current + " but reports unhealthy",
                                "look at the consumer; a rotation waits for it to be healthy"));
            } else {
                checks.add(
                        new Check(
                                "consumer",
                                name,
                                Status.OK,
                                "answers: key " + current + ", healthy",
                                null));
            }
        }
        return checks;
    }

    private static String fixForError(String error) {
        String e = error == null ? "" : error;
        if (e.contains("SecretNotFound"))
            return "check the name; the secret must exist in this region";
        if (e.contains("InvalidSecret"))
            return "fix the secret's JSON: README 'Configure an account'";
        if (e.contains("InvalidConsumerRegistry"))
            return "fix the consumer registry parameter: README 'Configure an account'";
        if (e.contains("SnapStartNotReady"))
            return "the version is being re-created after 14 idle days: run doctor again in a minute";
        return "see the Plan function's log for this request";
    }

    /**
     * The last rotation and the key's age. {@code period}: how often the schedule rotates (null
     * when disabled); a key older than two periods missed a rotation.
     */
    static Check lastRotation(
            String account,
            Executions.Run last,
            Instant currentCreated,
            Duration period,
            Instant now) {
        String age =
                currentCreated == null
                        ? "unknown age"
                        : "AWSCURRENT is " + VeryfiKeysCli.age(currentCreated, now) + " old";
        if (last == null) {
            return new Check(
                    "rotation",
                    account,
                    Status.WARN,
                    "never rotated by this stack; " + age,
                    "prove it once now: veryfi-keys rotate " + account);
        }
        String when = last.outcome() + " at " + VeryfiKeysCli.time(last.stop());
        if (currentCreated != null
                && period != null
                && Duration.between(currentCreated, now).compareTo(period.multipliedBy(2)) > 0) {
            return new Check(
                    "rotation",
                    account,
                    Status.WARN,
                    "last run "
                            + when
                            + "; "
                            + age
                            + ", more than twice the"
                            + " schedule's period ("
                            + period.toDays()
                            + " days)",
                    "rotate it: veryfi-keys rotate " + account);
        }
        if (!last.succeeded()) {
            return new Check(
                    "rotation",
                    account,
                    Status.WARN,
                    "last run " + when + "; " + age,
                    "see why: veryfi-keys history "
                            + account
                            + "; README 'What each outcome means'");
        }
        return new Check("rotation", account, Status.OK, "last run " + when + "; " + age, null);
    }

    /**
     * The consumers the last successful run polled against those registered now (name and health
     * URL).
     */
    static Optional<Check> registryChanged(
            String account, List<String> atLastRun, List<String> now) {
        if (atLastRun == null) return Optional.empty();
        List<String> added = now.stream().filter(c -> !atLastRun.contains(c)).toList();
        List<String> removed = atLastRun.stream().filter(c -> !now.contains(c)).toList();
        if (added.isEmpty() && removed.isEmpty()) return Optional.empty();
        return Optional.of(
                new Check(
                        "registry",
                        account,
                        Status.WARN,
                        "the consumer registry changed since the last"
                                + " rotation: added "
                                + added
                                + ", removed "
                                + removed,
                        "if you did not change it, find out who did"
                                + " (CloudTrail ssm:PutParameter): the next run waits for these consumers and no others"));
    }

    static int exitCode(List<Check> checks) {
        return checks.stream().anyMatch(c -> c.status() == Status.FAIL)
                ? ExitCodes.NOT_SUCCEEDED
                : ExitCodes.OK;
    }
}
