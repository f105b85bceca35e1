package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.cli.DoctorChecks.Check;
import io.veryfikeys.cli.DoctorChecks.Status;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code veryfi-keys doctor}: read-only checks that a deployment will work before its first
 * scheduled run. Each check is OK, WARN or FAIL with the fix; any FAIL exits 1. The account checks
 * run in the deployment's own Plan function (check-only), so the secret, Veryfi and the consumers
 * are asked from the functions' network with their rights, never from the operator's laptop.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Read-only checks of a deployment, each OK / WARN / FAIL with the fix (exit code 1 on any FAIL): the stack's "
                    + "outputs; the schedule and its next run; a confirmed subscriber on the alerts topic; every function's "
                    + "live version Active with SnapStart; and per account (named, or every secret tagged for rotation): "
                    + "what the next run would decide (secret valid, Veryfi accepts the key, no unknown key, same account "
                    + "not held twice), each consumer's answer with the current key id, registry changes since the last "
                    + "rotation, the last outcome and the key's age."
        })
final class Doctor extends VeryfiKeysCli.Base {
    @picocli.CommandLine.Mixin AccountsOption accounts;

    @Override
    int run(Target target) {
        Instant now = Instant.now();
        List<Check> checks = new ArrayList<>();
        Map<String, String> outputs = outputs(target, checks);
        if (outputs != null) {
            Duration period = schedule(target, outputs.get("FleetStateMachineArn"), now, checks);
            alerts(target, outputs.get("AlertsTopicArn"), checks);
            Map<String, String> functions = functions(target, checks);
            accounts(
                    target,
                    outputs.get("RotationStateMachineArn"),
                    functions.get("PlanFunction"),
                    period,
                    now,
                    checks);
        }
        print(target, checks);
        return DoctorChecks.exitCode(checks);
    }

    private static final List<String> OUTPUTS =
            List.of(
                    "RotationStateMachineArn",
                    "FleetStateMachineArn",
                    "ResetFunctionName",
                    "AlertsTopicArn");

    private Map<String, String> outputs(Target target, List<Check> checks) {
        Map<String, String> found = new LinkedHashMap<>();
        try {
            for (String key : OUTPUTS) found.put(key, target.output(key));
        } catch (RuntimeException e) {
            checks.add(
                    new Check(
                            "outputs",
                            target.describe(),
                            Status.FAIL,
                            "cannot read the deployment: " + explain(e),
                            "deploy the stack, or pass --stack-name / --region"));
            return null;
        }
        List<String> missing =
                found.entrySet().stream()
                        .filter(e -> e.getValue() == null)
                        .map(Map.Entry::getKey)
                        .toList();
        checks.add(
                missing.isEmpty()
                        ? new Check(
                                "outputs",
                                root.local ? "local stack" : root.stackName,
                                Status.OK,
                                "rotation, fleet, reset and" + " alerts found",
                                null)
                        : new Check(
                                "outputs",
                                root.local ? "local stack" : root.stackName,
                                Status.FAIL,
                                "missing " + missing,
                                "redeploy the current template.yaml (sam deploy)"));
        return missing.isEmpty() ? found : null;
    }

    private Duration schedule(Target target, String fleetArn, Instant now, List<Check> checks) {
        List<DoctorChecks.Rule> rules = new ArrayList<>();
        try {
            String token = null;
            do {
                String page = token;
                var names =
                        target.events()
                                .listRuleNamesByTarget(r -> r.targetArn(fleetArn).nextToken(page));
                for (String name : names.ruleNames()) {
                    var rule = target.events().describeRule(r -> r.name(name));
                    rules.add(
                            new DoctorChecks.Rule(
                                    name, rule.scheduleExpression(), rule.stateAsString()));
                }
                token = names.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (SdkException e) {
            checks.add(
                    new Check(
                            "schedule",
                            "fleet",
                            Status.FAIL,
                            "cannot read the schedule: " + explain(e),
                            null));
            return null;
        }
        Check check = DoctorChecks.schedule(rules, now);
        checks.add(check);
        return check.status() == Status.OK
                ? ScheduleExpressions.period(
                                rules.stream()
                                        .filter(r -> "ENABLED".equals(r.state()))
                                        .findFirst()
                                        .orElseThrow()
                                        .expression(),
                                now)
                        .orElse(null)
                : null;
    }

    private void alerts(Target target, String topicArn, List<Check> checks) {
        try {
            List<DoctorChecks.Subscriber> subscribers = new ArrayList<>();
            target.sns()
                    .listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn))
                    .subscriptions()
                    .forEach(
                            s ->
                                    subscribers.add(
                                            new DoctorChecks.Subscriber(
                                                    s.protocol(),
                                                    s.endpoint(),
                                                    s.subscriptionArn() != null
                                                            && s.subscriptionArn()
                                                                    .startsWith("arn:"))));
            checks.add(DoctorChecks.alerts(topicArn, subscribers));
        } catch (SdkException e) {
            checks.add(
                    new Check(
                            "alerts",
                            topicArn,
                            Status.FAIL,
                            "cannot list its subscriptions: " + explain(e),
                            null));
        }
    }

    private Map<String, String> functions(Target target, List<Check> checks) {
        Map<String, String> functions;
        try {
            functions = target.functions();
        } catch (SdkException e) {
            checks.add(
                    new Check(
                            "function",
                            "*",
                            Status.FAIL,
                            "cannot list the stack's functions: " + explain(e),
                            null));
            return Map.of();
        }
        functions.forEach(
                (logicalId, name) -> {
                    DoctorChecks.FunctionState state;
                    try {
                        GetFunctionConfigurationResponse c =
                                target.lambda()
                                        .getFunctionConfiguration(
                                                r ->
                                                        r.functionName(name)
                                                                .qualifier(
                                                                        VeryfiKeysCli.LIVE_ALIAS));
                        state =
                                new DoctorChecks.FunctionState(
                                        logicalId,
                                        c.version(),
                                        c.stateAsString(),
                                        c.stateReasonCodeAsString(),
                                        c.lastUpdateStatusAsString(),
                                        c.snapStart() == null
                                                ? null
                                                : c.snapStart().applyOnAsString(),
                                        c.snapStart() == null
                                                ? null
                                                : c.snapStart().optimizationStatusAsString());
                    } catch (ResourceNotFoundException e) {
                        state =
                                new DoctorChecks.FunctionState(
                                        logicalId, null, null, null, null, null, null);
                    }
                    checks.add(
                            DoctorChecks.function(
                                    state, "PublishedVersions".equals(state.snapStartApplyOn())));
                });
        return functions;
    }

    private void accounts(
            Target target,
            String rotationArn,
            String planFunction,
            Duration period,
            Instant now,
            List<Check> checks) {
        List<String> names = accounts.names(target);
        if (names.isEmpty()) {
            checks.add(
                    new Check(
                            "accounts",
                            accounts.tagKey,
                            Status.WARN,
                            "no secret is tagged "
                                    + accounts.tagKey
                                    + ": the schedule rotates nothing",
                            "tag each account's secret: README 'Configure an account'"));
            return;
        }
        if (planFunction == null) {
            checks.add(
                    new Check(
                            "accounts",
                            "PlanFunction",
                            Status.FAIL,
                            "the stack has no Plan function to ask",
                            "redeploy the stack (sam deploy)"));
            return;
        }
        JsonNode deploySettings = deploySettings(target, rotationArn);
        List<Executions.Run> runs =
                new Executions(target.sfn(), rotationArn).list(names, null, accounts.scan);
        for (String account : names) {
            JsonNode checkup = null;
            String error = null;
            try {
                ObjectNode payload =
                        Target.JSON
                                .createObjectNode()
                                .put("checkOnly", true)
                                .put("stateMachineArn", rotationArn);
                payload.putObject("input").put("secretId", account);
                payload.set("deploySettings", deploySettings);
                InvokeResponse response =
                        target.lambda()
                                .invoke(
                                        r ->
                                                r.functionName(planFunction)
                                                        .qualifier(VeryfiKeysCli.LIVE_ALIAS)
                                                        .payload(
                                                                SdkBytes.fromUtf8String(
                                                                        payload.toString())));
                JsonNode answer =
                        Executions.readJson(
                                response.payload() == null
                                        ? null
                                        : response.payload().asUtf8String());
                if (response.functionError() != null) {
                    error =
                            answer.path("errorType").asText("error")
                                    + ": "
                                    + answer.path("errorMessage").asText();
                } else {
                    checkup = answer;
                }
            } catch (SdkException e) {
                error = explain(e);
            }
            checks.addAll(DoctorChecks.account(account, checkup, error));
            Executions.Run lastSucceeded =
                    runs.stream()
                            .filter(r -> r.account().equals(account) && r.succeeded())
                            .findFirst()
                            .orElse(null);
            if (checkup != null && lastSucceeded != null) {
                DoctorChecks.registryChanged(
                                account,
                                lastSucceeded.consumers(),
                                Executions.consumersOf(checkup.path("plan")))
                        .ifPresent(checks::add);
            }
            Executions.Run last =
                    runs.stream()
                            .filter(
                                    r ->
                                            r.account().equals(account)
                                                    && !"RUNNING".equals(r.status()))
                            .findFirst()
                            .orElse(null);
            Instant created = null;
            try {
                created = SecretStages.created(target.secrets(), account, "AWSCURRENT");
            } catch (RuntimeException e) {
                // the account check above already says why the secret cannot be read
            }
            checks.add(DoctorChecks.lastRotation(account, last, created, period, now));
        }
    }

    /** The template's settings as the rotation state machine's definition carries them to Plan. */
    private static JsonNode deploySettings(Target target, String rotationArn) {
        String definition =
                target.sfn().describeStateMachine(r -> r.stateMachineArn(rotationArn)).definition();
        JsonNode settings =
                Executions.readJson(definition)
                        .path("States")
                        .path("Plan")
                        .path("Parameters")
                        .path("deploySettings");
        if (!settings.isObject()) {
            throw new CliException(
                    ExitCodes.NOT_SUCCEEDED,
                    "the rotation state machine's Plan state carries no"
                            + " deploySettings: redeploy the current template.yaml");
        }
        return settings;
    }

    private String explain(Throwable e) {
        return CliErrors.explain(e, root.errorContext()).message();
    }

    private void print(Target target, List<Check> checks) {
        long ok = checks.stream().filter(c -> c.status() == Status.OK).count();
        long warn = checks.stream().filter(c -> c.status() == Status.WARN).count();
        long fail = checks.stream().filter(c -> c.status() == Status.FAIL).count();
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target.describe());
            m.put("ok", ok);
            m.put("warn", warn);
            m.put("fail", fail);
            m.put("checks", checks.stream().map(Check::toJson).toList());
            out().println(VeryfiKeysCli.toJson(m));
            return;
        }
        out().println("veryfi-keys doctor: " + target.describe());
        for (Check c : checks) {
            out().printf("%-4s  %-9s  %-30s  %s%n", c.status(), c.area(), c.subject(), c.detail());
            if (c.fix() != null) out().printf("%-4s  %-9s  %-30s  fix: %s%n", "", "", "", c.fix());
        }
        out().printf(
                        "%d OK, %d WARN, %d FAIL%s%n",
                        ok,
                        warn,
                        fail,
                        fail > 0
                                ? ": not ready (exit code 1)"
                                : warn > 0 ? ": ready, with warnings" : ": ready");
    }
}
