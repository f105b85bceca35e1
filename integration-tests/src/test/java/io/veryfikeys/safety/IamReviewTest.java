package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, IAM review of template.yaml.
 *
 * <p>Static part: no wildcard action ({@code *}, {@code service:*}, {@code service:Get*}...), and
 * no {@code Resource: "*"} except for actions that support nothing narrower (allow-listed with the
 * reason).
 *
 * <p>Least privilege per function, by observation: every function runs on the local stack in
 * sandboxes that sign with credentials issued to that function, so the stack's endpoint records
 * each AWS operation under the function that really made it (whatever client made the call, the
 * SDK's or the hand-signed SSM one). This test drives every function through the paths that reach
 * its AWS calls (a rotation, a rejected key, a revert, a reset that stops a running rotation, the
 * fleet's account listing), then compares: a granted action never used is a finding, and a used
 * action not granted would fail in AWS. Why observation and not a static map: a hand-kept map of
 * "method → action" drifts silently; the recording sees the real SDK calls. Its limit: an action
 * reached only on a path no scenario drives would look unused; such an action must be allow-listed
 * below with the path that needs it (none is today).
 */
class IamReviewTest extends LocalStackTest {
    /** The fleet report's sample event, as the fleet state machine sends it. */
    private static final String FLEET_REPORT_EVENT = readSample("events/fleet-report.json");

    private static String readSample(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("..", path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Actions that only support {@code Resource: "*"}, with the reason. */
    static final Map<String, String> STAR_RESOURCE_ALLOWED =
            Map.of(
                    "secretsmanager:ListSecrets",
                            "ListSecrets supports no resource-level permission: '*' is the only resource",
                    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html: it also
                    // needs GetSecretValue on each secret, which stays scoped to the prefix.
                    "secretsmanager:BatchGetSecretValue",
                            "BatchGetSecretValue has no resource type: '*' is the only resource");

    /** Granted actions a scenario here cannot reach, with the path that needs them. */
    static final Map<String, String> UNUSED_ALLOWED = Map.of();

    /**
     * Actions that one observed operation needs besides its own, which the wire never shows:
     * BatchGetSecretValue with Filters needs ListSecrets, and GetSecretValue on each secret it
     * returns
     * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html).
     */
    static final Map<String, Set<String>> IMPLIED =
            Map.of(
                    "secretsmanager:BatchGetSecretValue",
                    Set.of("secretsmanager:ListSecrets", "secretsmanager:GetSecretValue"));

    static final Map<String, Object> FAST = RotationHarness.settings(1, 1, 30, 0);

    @Test
    void noWildcardsAndEveryFunctionHoldsExactlyThePermissionsItsCodeUses() {
        SamTemplate template = SamTemplate.load(LocalAwsStackExtension.findTemplate());
        List<String> findings = new ArrayList<>();
        Map<String, Set<String>> granted = new TreeMap<>();
        template.tree()
                .path("Resources")
                .fields()
                .forEachRemaining(
                        resource -> {
                            for (JsonNode policy :
                                    resource.getValue().path("Properties").path("Policies")) {
                                for (JsonNode statement : policy.path("Statement")) {
                                    List<String> actions = strings(statement.path("Action"));
                                    for (String action : actions) {
                                        String verb =
                                                action.contains(":")
                                                        ? action.substring(action.indexOf(':') + 1)
                                                        : action;
                                        if (action.equals("*") || verb.contains("*")) {
                                            findings.add(
                                                    resource.getKey()
                                                            + ": wildcard action "
                                                            + action);
                                        }
                                    }
                                    if (strings(statement.path("Resource")).contains("*")) {
                                        for (String action : actions) {
                                            if (!STAR_RESOURCE_ALLOWED.containsKey(action)) {
                                                findings.add(
                                                        resource.getKey()
                                                                + ": Resource \"*\" for "
                                                                + action);
                                            }
                                        }
                                    }
                                    if ("Allow".equals(statement.path("Effect").asText())
                                            && "AWS::Serverless::Function"
                                                    .equals(
                                                            resource.getValue()
                                                                    .path("Type")
                                                                    .asText())) {
                                        granted.computeIfAbsent(
                                                        resource.getKey(), k -> new TreeSet<>())
                                                .addAll(actions);
                                    }
                                }
                            }
                            if ("AWS::Serverless::Function"
                                    .equals(resource.getValue().path("Type").asText())) {
                                granted.computeIfAbsent(resource.getKey(), k -> new TreeSet<>());
                            }
                        });

        exerciseEveryFunction();

        Map<String, Set<String>> used = stack.lambdaHost().awsCallsByPrincipal();
        StringBuilder out =
                new StringBuilder(
                        "\nIAM REVIEW (granted in template.yaml vs AWS operations observed)\n");
        for (var entry : granted.entrySet()) {
            String function = entry.getKey();
            Set<String> uses = new TreeSet<>(used.getOrDefault(function, Set.of()));
            IMPLIED.forEach(
                    (operation, needs) -> {
                        if (uses.contains(operation)) {
                            uses.addAll(needs);
                        }
                    });
            Set<String> unused = new TreeSet<>(entry.getValue());
            unused.removeAll(uses);
            unused.removeAll(UNUSED_ALLOWED.keySet());
            Set<String> missing = new TreeSet<>(uses);
            missing.removeAll(entry.getValue());
            out.append(
                    String.format(
                            "%-22s granted %s%n%-22s used    %s%n",
                            function, entry.getValue(), "", uses));
            unused.forEach(
                    a -> findings.add(function + ": holds " + a + " but its code never calls it"));
            missing.forEach(
                    a -> findings.add(function + ": calls " + a + " without the permission"));
        }
        STAR_RESOURCE_ALLOWED.forEach(
                (a, why) ->
                        out.append("allowed Resource \"*\": ")
                                .append(a)
                                .append(" - ")
                                .append(why)
                                .append('\n'));
        findings.forEach(f -> out.append("IAM FINDING ").append(f).append('\n'));
        System.out.print(out);
        assertThat(findings).isEmpty();
    }

    private static List<String> strings(JsonNode node) {
        List<String> list = new ArrayList<>();
        if (node.isTextual()) {
            list.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(
                    n -> {
                        if (n.isTextual()) {
                            list.add(n.asText());
                        }
                    });
        }
        return list;
    }

    /** Drives every function through the paths that reach its AWS calls. */
    private static void exerciseEveryFunction() {
        // With a consumer that checks in (issue 16): Plan's checkup (the doctor's), PollConsumers
        // and DeleteOldKey read the check-in table.
        RotationHarness.Account happy = harness.account(1, Duration.ZERO);
        harness.addToRegistry(happy, "iam-worker", 300, null);
        harness.startCheckInWorker(happy, "iam-worker");
        assertThat(harness.run(happy.secretId(), FAST, Duration.ofMinutes(2)).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        RotationHarness.Invoked checkup =
                harness.invoke(
                        "PlanFunction",
                        "{\"checkOnly\":true,\"stateMachineArn\":\""
                                + harness.stateMachine("RotationStateMachine")
                                + "\",\"input\":{\"secretId\":\""
                                + happy.secretId()
                                + "\"},\"deploySettings\":"
                                + harness.rotationDeploySettings()
                                + "}");
        assertThat(checkup.functionError()).as(checkup.payload()).isNull();

        // An operator confirms a partner system from the console: ConfirmFunction reads its
        // settings and the registry, and writes the confirmation.
        RotationHarness.Account partnered = harness.account(0, Duration.ZERO);
        harness.addToRegistry(partnered, null, 0, "iam-partner");
        RotationHarness.Invoked confirmed =
                harness.invoke(
                        "ConfirmFunction",
                        "{\"secretId\":\""
                                + partnered.secretId()
                                + "\",\"consumer\":\"iam-partner\",\"keyId\":"
                                + partnered.initialKeyId()
                                + ",\"confirmedBy\":\"iam review\"}");
        assertThat(confirmed.functionError()).as(confirmed.payload()).isNull();

        RotationHarness.Account rejected = harness.account(1, Duration.ZERO);
        harness.veryfi.rejectNewKeys(rejected.clientId(), true);
        harness.run(rejected.secretId(), FAST, Duration.ofMinutes(2));

        // Revert reads the check-in table before it discards a key that was ever current.
        RotationHarness.Account reverted = harness.account(1, Duration.ZERO);
        harness.addToRegistry(reverted, "iam-worker", 300, null);
        harness.startCheckInWorker(reverted, "iam-worker");
        long old = reverted.initialKeyId();
        reverted.consumer(0).unhealthyWhenUsing(id -> id != old);
        harness.run(reverted.secretId(), FAST, Duration.ofMinutes(2));

        // A reset while a rotation runs (it stops it), with an interrupted rotation's AWSPENDING to
        // drop. Verification is held (Veryfi latency) so the reset meets the rotation with
        // AWSPENDING stored.
        RotationHarness.Account reset = harness.account(1, Duration.ZERO);
        // The reset's sandbox starts now (a refused request calls nothing), so that its cold start
        // does not outlast the held verification below.
        assertThat(
                        harness.invoke(
                                        "ResetFunction",
                                        "{\"secretId\":\"" + reset.secretId() + "\"}")
                                .functionError())
                .isNotNull();
        io.veryfikeys.localstack.LambdaHost.InvocationListener hold =
                (function, payload) -> {
                    if (function.equals("VerifyNewKeyFunction")
                            && new String(payload).contains("\"" + reset.secretId() + "\"")) {
                        harness.veryfi.inject(
                                io.veryfikeys.simulator.Fault.latency(
                                                io.veryfikeys.simulator.Endpoint.LIST,
                                                Duration.ofSeconds(6))
                                        .times(1)
                                        .forAccount(reset.clientId()));
                    }
                };
        stack.lambdaHost().addInvocationListener(hold);
        String running = harness.start(reset.secretId(), FAST);
        harness.awaitState(running, "VerifyNewKey");
        stack.lambdaHost().removeInvocationListener(hold);
        RotationHarness.Invoked invoked =
                harness.invoke(
                        "ResetFunction",
                        "{\"secretId\":\""
                                + reset.secretId()
                                + "\",\"reason\":\"iam review\",\"confirm\":\""
                                + reset.secretId()
                                + "\",\"idempotencyToken\":\"iam-review-1\"}");
        assertThat(invoked.functionError()).as(invoked.payload()).isNull();

        // An account with an interval: ListAccounts reads its current key's age.
        RotationHarness.Account interval = harness.account(0, Duration.ZERO);
        harness.tag(interval.secretId(), "veryfi-key-rotation:interval-days", "30");
        harness.invoke("ListAccountsFunction", RotationHarness.LIST_ACCOUNTS_EVENT);
        RotationHarness.Invoked fleetReport =
                harness.invoke("FleetReportFunction", FLEET_REPORT_EVENT);
        assertThat(fleetReport.functionError()).as(fleetReport.payload()).isNull();

        // A secret with a linked copy: Promote stores the new key in the copy too.
        RotationHarness.Account primary = harness.account(1, Duration.ZERO);
        harness.link(primary, harness.copyOf(primary, "iam", 0, Duration.ZERO));
        assertThat(harness.run(primary.secretId(), FAST, Duration.ofMinutes(2)).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        // Someone moves AWSCURRENT back while the consumers are polled: PollConsumers reads who
        // stored it.
        RotationHarness.Account moved = harness.account(1, Duration.ofSeconds(60));
        String arn = harness.start(moved.secretId(), RotationHarness.settings(1, 1, 60, 0));
        harness.awaitState(arn, "WaitBeforeNextPoll");
        harness.moveCurrentBack(moved.secretId());
        harness.await(arn, Duration.ofMinutes(1));

        // Direct invocations with forged states: each step reads its execution's history and
        // alerts.
        RotationHarness.Account forged = harness.account(0, Duration.ZERO);
        ForgedStates.against(harness, forged)
                .forEach(
                        (function, payload) ->
                                assertThat(harness.invoke(function, payload).functionError())
                                        .as(function)
                                        .isNotNull());
    }
}
