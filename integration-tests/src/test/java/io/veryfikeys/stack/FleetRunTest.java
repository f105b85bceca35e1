package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet run on the local stack: the real fleet definition (a Distributed Map) executed by moto,
 * ListAccounts and the fleet report through the Lambda host, each account's real rotation. The
 * per-account policy tags decide what runs; a dry run changes nothing; one report and one alert end
 * the run.
 */
class FleetRunTest extends LocalStackTest {
    private static final String FAST =
            "\"settings\":{\"pollIntervalSeconds\":1,\"requiredHealthyPolls\":1,"
                    + "\"pollTimeoutSeconds\":60,\"gracePeriodSeconds\":0}";

    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void noKeyValueLeaked() {
        harness.assertNoKeyLeaked(executions);
    }

    private void tag(RotationHarness.Account account, String suffix, String value) {
        harness.tag(account.secretId(), "veryfi-key-rotation" + suffix, value);
    }

    /** Every version of the account's secret: its id and labels, as "id:LABEL,LABEL". */
    private Map<String, Long> versions(RotationHarness.Account account) {
        Map<String, Long> versions = new java.util.TreeMap<>();
        harness.secrets
                .listSecretVersionIds(b -> b.secretId(account.secretId()).includeDeprecated(true))
                .versions()
                .forEach(
                        v ->
                                versions.put(
                                        v.versionId() + ":" + String.join(",", v.versionStages()),
                                        v.createdDate() == null
                                                ? 0L
                                                : v.createdDate().toEpochMilli()));
        return versions;
    }

    private String startFleet(String input) {
        harness.stateMachine("RotationStateMachine");
        String fleet = harness.stateMachine("FleetStateMachine");
        return harness.sfn
                .startExecution(b -> b.stateMachineArn(fleet).input(input))
                .executionArn();
    }

    private static String accounts(RotationHarness.Account... accounts) {
        List<String> names = new ArrayList<>();
        for (RotationHarness.Account account : accounts) {
            names.add("\"" + account.secretId() + "\"");
        }
        return "\"accounts\":[" + String.join(",", names) + "]";
    }

    /** A window on a day three days from now: whatever the time, the run is outside it. */
    private static String windowNotToday() {
        DayOfWeek day = ZonedDateTime.now(ZoneOffset.UTC).getDayOfWeek().plus(3);
        return day.name().substring(0, 1)
                + day.name().substring(1, 3).toLowerCase()
                + " 00:00-23:59";
    }

    @Test
    void aDryRunSaysWhatEachAccountWouldDoAndChangesNothing() {
        RotationHarness.Account plain = harness.account(0, Duration.ZERO);
        RotationHarness.Account paused = harness.account(0, Duration.ZERO);
        RotationHarness.Account notDue = harness.account(0, Duration.ZERO);
        RotationHarness.Account outside = harness.account(0, Duration.ZERO);
        RotationHarness.Account badTag = harness.account(0, Duration.ZERO);
        tag(paused, ":paused", "true");
        tag(notDue, ":interval-days", "30");
        tag(outside, ":window", windowNotToday());
        tag(badTag, ":interval-days", "monthly");

        Map<String, Map<String, Long>> versionsBefore = new HashMap<>();
        for (RotationHarness.Account account : List.of(plain, paused, notDue, outside, badTag)) {
            versionsBefore.put(account.secretId(), versions(account));
        }
        String arn =
                startFleet(
                        "{\"dryRun\":true,"
                                + accounts(plain, paused, notDue, outside, badTag)
                                + ","
                                + FAST
                                + "}");
        RotationHarness.Execution execution = harness.await(arn, Duration.ofSeconds(60));
        executions.add(execution);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered())
                .contains("DryRunDone")
                .doesNotContain("RotateEachAccount");
        JsonNode output = harness.output(arn);
        assertThat(output.path("dryRun").asBoolean()).isTrue();
        Map<String, String> reasons = new HashMap<>();
        output.path("choices")
                .forEach(
                        c ->
                                reasons.put(
                                        c.path("account").asText(),
                                        c.path("action").asText()
                                                + " "
                                                + c.path("reason").asText()));
        assertThat(reasons)
                .containsEntry(plain.secretId(), "ROTATE NO_INTERVAL")
                .containsEntry(paused.secretId(), "SKIP PAUSED")
                .containsEntry(notDue.secretId(), "SKIP NOT_DUE")
                .containsEntry(outside.secretId(), "SKIP OUTSIDE_WINDOW")
                .containsEntry(badTag.secretId(), "SKIP BAD_POLICY_TAG")
                .hasSize(5);
        assertThat(output.path("choices").toString())
                .contains("key 0 days old, interval 30")
                .contains("veryfi-key-rotation:interval-days must be a whole number of days");
        assertThat(output.path("counts").toString())
                .isEqualTo(
                        "{\"rotate\":1,\"skip\":{\"BAD_POLICY_TAG\":1,\"NOT_DUE\":1,\"OUTSIDE_WINDOW\":1,\"PAUSED\":1},\"blocked\":{}}");
        // Nothing changed: every account keeps its one key and its secret versions (ids and
        // labels), and no alert was sent.
        for (RotationHarness.Account account : List.of(plain, paused, notDue, outside, badTag)) {
            assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                    .containsExactly(account.initialKeyId());
            assertThat(versions(account)).isEqualTo(versionsBefore.get(account.secretId()));
            assertThat(harness.alertsFor(account.secretId())).isEmpty();
        }
        assertThat(harness.alertsFor("fleet"))
                .noneMatch(a -> a.path("executionId").asText().equals(arn));
    }

    @Test
    void aFleetRunRotatesWhatIsDueAndReportsOnceForTheWholeRun() {
        RotationHarness.Account first = harness.account(1, Duration.ZERO);
        RotationHarness.Account second = harness.account(1, Duration.ZERO);
        RotationHarness.Account paused = harness.account(0, Duration.ZERO);
        RotationHarness.Account noRegistry = harness.account(0, Duration.ZERO);
        RotationHarness.Account notDue = harness.account(0, Duration.ZERO);
        RotationHarness.Account outside = harness.account(0, Duration.ZERO);
        RotationHarness.Account badTag = harness.account(0, Duration.ZERO);
        RotationHarness.Account failing = harness.account(0, Duration.ZERO);
        tag(paused, ":paused", "true");
        tag(notDue, ":interval-days", "30");
        tag(outside, ":window", windowNotToday());
        tag(badTag, ":window", "sometime");
        harness.ssm.deleteParameter(
                b -> b.name("/veryfi-key-rotation/consumers/" + noRegistry.secretId()));
        // Veryfi never accepts this account's new key: its rotation fails (and cleans up).
        harness.veryfi.rejectNewKeys(failing.clientId(), true);

        String arn =
                startFleet(
                        "{"
                                + accounts(
                                        first,
                                        second,
                                        paused,
                                        noRegistry,
                                        notDue,
                                        outside,
                                        badTag,
                                        failing)
                                + ","
                                + FAST
                                + "}");
        RotationHarness.Execution execution = harness.await(arn, RotationScenariosTest.TIMEOUT);
        executions.add(execution);

        assertThat(execution.status())
                .as(execution.statesEntered().toString())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode report = harness.output(arn);
        assertThat(report.path("result").asText()).isEqualTo("FLEET_NEEDS_ACTION");
        assertThat(report.path("rotated").asInt()).isEqualTo(2);
        assertThat(report.path("skipped").toString())
                .isEqualTo(
                        "{\"BAD_POLICY_TAG\":1,\"NOT_DUE\":1,\"OUTSIDE_WINDOW\":1,\"PAUSED\":1}");
        assertThat(report.path("blocked").toString()).isEqualTo("{\"BLOCKED\":1}");
        assertThat(report.path("failed").toString()).isEqualTo("{\"NEW_KEY_REJECTED\":1}");
        assertThat(report.path("needActionCount").asInt()).isEqualTo(2);
        JsonNode needAction = report.path("needAction");
        assertThat(needAction.findValuesAsText("account"))
                .containsExactlyInAnyOrder(noRegistry.secretId(), failing.secretId());
        JsonNode blocked =
                needAction.get(0).path("account").asText().equals(noRegistry.secretId())
                        ? needAction.get(0)
                        : needAction.get(1);
        assertThat(blocked.path("account").asText()).isEqualTo(noRegistry.secretId());
        // The link to the account's own execution: the fleet named it, so its ARN is known.
        String blockedArn = blocked.path("executionArn").asText();
        assertThat(blockedArn).startsWith(report.path("executionArnPrefix").asText());
        assertThat(harness.sfn.describeExecution(b -> b.executionArn(blockedArn)).status())
                .isEqualTo(ExecutionStatus.FAILED);
        assertThat(report.path("accounts")).hasSize(4);
        assertThat(report.path("discovery").path("counts").path("rotate").asInt()).isEqualTo(4);

        // One alert for the run, beside each account's own.
        JsonNode alert = harness.awaitAlert("fleet", "FLEET_NEEDS_ACTION", Duration.ofSeconds(10));
        assertThat(alert.path("executionId").asText()).isEqualTo(arn);
        assertThat(alert.path("rotated").asInt()).isEqualTo(2);
        harness.awaitAlert(noRegistry.secretId(), "BLOCKED", Duration.ofSeconds(10));
        // Issue 17: each child rotation put its lifecycle events; the blocked one only its end.
        assertThat(
                        harness
                                .awaitLifecycle(
                                        noRegistry.secretId(),
                                        "Rotation Blocked",
                                        Duration.ofSeconds(10))
                                .stream()
                                .map(e -> e.path("detail-type").asText()))
                .containsExactly("Rotation Blocked");
        for (RotationHarness.Account account : List.of(first, second)) {
            harness.awaitAlert(account.secretId(), "SUCCEEDED", Duration.ofSeconds(10));
            assertThat(
                            harness
                                    .awaitLifecycle(
                                            account.secretId(),
                                            "Rotation Succeeded",
                                            Duration.ofSeconds(10))
                                    .stream()
                                    .map(e -> e.path("detail-type").asText()))
                    .containsExactlyElementsOf(RotationHarness.ROTATION_SUCCEEDED_EVENTS);
            assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                    .hasSize(1)
                    .doesNotContain(account.initialKeyId());
            assertThat(account.consumer(0).rejectedCalls()).isZero();
        }
        for (RotationHarness.Account skipped : List.of(paused, notDue, outside, badTag)) {
            assertThat(harness.veryfi.liveKeyIds(skipped.clientId()))
                    .containsExactly(skipped.initialKeyId());
            assertThat(harness.alertsFor(skipped.secretId())).isEmpty();
            assertThat(harness.lifecycleFor(skipped.secretId())).isEmpty();
        }
        assertThat(harness.veryfi.liveKeyIds(failing.clientId()))
                .as("the failed rotation kept the account's key and removed its own")
                .containsExactly(failing.initialKeyId());
    }

    /**
     * Issue 15: Veryfi answers 429 (with Retry-After) to the first key creations of the run; the
     * clients wait as told and every account rotates.
     */
    @Test
    void aFleetRunThroughA429SpellRotatesEveryAccount() {
        List<RotationHarness.Account> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accounts.add(harness.account(1, Duration.ZERO));
        }
        harness.veryfi.inject(Fault.rateLimit(Endpoint.CREATE, Duration.ofSeconds(1)).times(3));

        String arn =
                startFleet(
                        "{"
                                + accounts(accounts.toArray(RotationHarness.Account[]::new))
                                + ","
                                + FAST
                                + "}");
        RotationHarness.Execution execution = harness.await(arn, RotationScenariosTest.TIMEOUT);
        executions.add(execution);
        harness.veryfi.clearFaults();

        JsonNode report = harness.output(arn);
        assertThat(report.path("result").asText())
                .as(report.toString())
                .isEqualTo("FLEET_COMPLETED");
        assertThat(report.path("rotated").asInt()).isEqualTo(4);
        assertThat(report.path("failed").toString()).isEqualTo("{}");
        assertThat(harness.veryfi.requests())
                .as("Veryfi answered 429 three times")
                .filteredOn(r -> r.status() == 429)
                .hasSize(3);
        for (RotationHarness.Account account : accounts) {
            assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                    .hasSize(1)
                    .doesNotContain(account.initialKeyId());
            assertThat(account.consumer(0).rejectedCalls()).isZero();
        }
    }
}
