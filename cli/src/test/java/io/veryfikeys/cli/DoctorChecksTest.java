package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.cli.DoctorChecks.Check;
import io.veryfikeys.cli.DoctorChecks.FunctionState;
import io.veryfikeys.cli.DoctorChecks.Rule;
import io.veryfikeys.cli.DoctorChecks.Status;
import io.veryfikeys.cli.DoctorChecks.Subscriber;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every verdict of the doctor from plain values: facts in, status and fix out (the real setups:
 * DoctorTest).
 */
class DoctorChecksTest {
    static final Instant NOW = Instant.parse("2026-12-01T15:00:00Z");

    record Row(
            String name, Supplier<List<Check>> judged, Status status, String detail, String fix) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, Supplier<Check> judged, Status status, String detail, String fix) {
        return new Row(name, () -> List.of(judged.get()), status, detail, fix);
    }

    static JsonNode json(String text) {
        return Executions.readJson(text.replace('\'', '"'));
    }

    static final String GOOD_PLAN =
            "{'action':'ROTATE','reason':'rotating key 7','currentKeyId':7,'knownKeyIds':[7],"
                    + "'consumers':[{'name':'payroll','healthUrl':'https://p/health'}]}";

    static Executions.Run run(String outcome, Instant stop) {
        return new Executions.Run(
                "veryfi/a",
                "arn",
                "x",
                "SUCCEEDED".equals(outcome) ? "SUCCEEDED" : "FAILED",
                outcome,
                stop.minusSeconds(60),
                stop,
                6L,
                7L,
                null,
                null,
                List.of("payroll https://p/health"));
    }

    static List<Row> rows() {
        return List.of(
                row(
                        "alerts: nobody",
                        () -> DoctorChecks.alerts("arn:t", List.of()),
                        Status.FAIL,
                        "no confirmed subscription",
                        "AlertEmail"),
                row(
                        "alerts: email pending",
                        () ->
                                DoctorChecks.alerts(
                                        "arn:t",
                                        List.of(new Subscriber("email", "oncall@x", false))),
                        Status.FAIL,
                        "pending confirmation: [email oncall@x]",
                        "confirm the subscription"),
                row(
                        "alerts: one confirmed, one pending",
                        () ->
                                DoctorChecks.alerts(
                                        "arn:t",
                                        List.of(
                                                new Subscriber("sqs", "arn:q", true),
                                                new Subscriber("email", "b@x", false))),
                        Status.WARN,
                        "1 confirmed (sqs)",
                        "confirm the pending"),
                row(
                        "alerts: confirmed",
                        () ->
                                DoctorChecks.alerts(
                                        "arn:t", List.of(new Subscriber("email", "a@x", true))),
                        Status.OK,
                        "1 confirmed (email)",
                        null),
                row(
                        "function: ready",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction",
                                                "3",
                                                "Active",
                                                null,
                                                "Successful",
                                                "PublishedVersions",
                                                "On"),
                                        true),
                        Status.OK,
                        "live = version 3, Active",
                        null),
                row(
                        "function: idle 14 days",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction",
                                                "3",
                                                "Inactive",
                                                "Idle",
                                                "Successful",
                                                "PublishedVersions",
                                                "On"),
                                        true),
                        Status.WARN,
                        "Inactive (Idle)",
                        "nothing needed"),
                row(
                        "function: restoring",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction",
                                                "3",
                                                "Pending",
                                                "Restoring",
                                                "Successful",
                                                "PublishedVersions",
                                                "On"),
                                        true),
                        Status.WARN,
                        "not ready yet",
                        "wait"),
                row(
                        "function: failed update",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction",
                                                "3",
                                                "Active",
                                                null,
                                                "Failed",
                                                "PublishedVersions",
                                                "On"),
                                        true),
                        Status.FAIL,
                        "last update Failed",
                        "redeploy"),
                row(
                        "function: no SnapStart",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction",
                                                "3",
                                                "Active",
                                                null,
                                                "Successful",
                                                "PublishedVersions",
                                                "Off"),
                                        true),
                        Status.WARN,
                        "without SnapStart",
                        "redeploy"),
                row(
                        "function: no live alias",
                        () ->
                                DoctorChecks.function(
                                        new FunctionState(
                                                "PlanFunction", null, null, null, null, null, null),
                                        true),
                        Status.FAIL,
                        "no live alias",
                        "sam deploy"),
                row(
                        "schedule: none",
                        () -> DoctorChecks.schedule(List.of(), NOW),
                        Status.FAIL,
                        "no EventBridge rule",
                        "redeploy"),
                row(
                        "schedule: disabled",
                        () ->
                                DoctorChecks.schedule(
                                        List.of(new Rule("r", "cron(0 3 1 * ? *)", "DISABLED")),
                                        NOW),
                        Status.WARN,
                        "DISABLED",
                        "ScheduleState=ENABLED"),
                row(
                        "schedule: enabled",
                        () ->
                                DoctorChecks.schedule(
                                        List.of(new Rule("r", "cron(0 3 1 * ? *)", "ENABLED")),
                                        NOW),
                        Status.OK,
                        "next run 2027-01-01T03:00:00Z",
                        null),
                new Row(
                        "account: secret invalid",
                        () ->
                                DoctorChecks.account(
                                        "veryfi/a",
                                        null,
                                        "InvalidSecretException: secret veryfi/a: apiKeyId is missing"),
                        Status.FAIL,
                        "apiKeyId is missing",
                        "fix the secret's JSON"),
                new Row(
                        "account: version not ready",
                        () ->
                                DoctorChecks.account(
                                        "veryfi/a", null, "SnapStartNotReadyException: not ready"),
                        Status.FAIL,
                        "not ready",
                        "run doctor again"),
                new Row(
                        "account: blocked",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':{'action':'BLOCKED',"
                                                                + "'reason':'Veryfi has key(s) [9] that no version of veryfi/a holds','currentKeyId':7,"
                                                                + "'knownKeyIds':[7,9],'consumers':[]},'consumers':[]}"),
                                                null)
                                        .subList(0, 1),
                        Status.FAIL,
                        "would be BLOCKED: Veryfi has key(s) [9]",
                        "What each outcome means"),
                new Row(
                        "account: running",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':{'action':'ALREADY_RUNNING',"
                                                                + "'reason':'a rotation of veryfi/a is already running: arn:e','currentKeyId':7,'knownKeyIds':[],"
                                                                + "'consumers':[]},'consumers':[]}"),
                                                null)
                                        .subList(0, 1),
                        Status.WARN,
                        "already running",
                        "veryfi-keys history veryfi/a"),
                new Row(
                        "account: ready",
                        () ->
                                DoctorChecks.account(
                                        "veryfi/a",
                                        json(
                                                "{'plan':"
                                                        + GOOD_PLAN
                                                        + ",'consumers':[{'name':'payroll','keyId':7,'healthy':true}]}"),
                                        null),
                        Status.OK,
                        "Veryfi accepts AWSCURRENT key 7",
                        null),
                new Row(
                        "keys: two live",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':{'action':'ROTATE','reason':"
                                                                + "'rotating key 7 after removing unused key 6','currentKeyId':7,'knownKeyIds':[6,7],'consumers':[]},"
                                                                + "'consumers':[]}"),
                                                null)
                                        .subList(1, 2),
                        Status.WARN,
                        "2 live keys at Veryfi [6, 7]: key [6]",
                        null),
                new Row(
                        "consumer: unreachable",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':"
                                                                + GOOD_PLAN
                                                                + ",'consumers':[{'name':'payroll','keyId':null,'healthy':false,'problem':'connection refused'}]}"),
                                                null)
                                        .subList(2, 3),
                        Status.FAIL,
                        "not reachable from the functions: connection refused",
                        "security group"),
                new Row(
                        "consumer: old key",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':"
                                                                + GOOD_PLAN
                                                                + ",'consumers':[{'name':'payroll','keyId':6,'healthy':true}]}"),
                                                null)
                                        .subList(2, 3),
                        Status.WARN,
                        "uses key 6, not AWSCURRENT 7",
                        "refetch AWSCURRENT"),
                new Row(
                        "consumer: unhealthy",
                        () ->
                                DoctorChecks.account(
                                                "veryfi/a",
                                                json(
                                                        "{'plan':"
                                                                + GOOD_PLAN
                                                                + ",'consumers':[{'name':'payroll','keyId':7,'healthy':false}]}"),
                                                null)
                                        .subList(2, 3),
                        Status.WARN,
                        "reports unhealthy",
                        "look at the consumer"),
                row(
                        "rotation: never",
                        () ->
                                DoctorChecks.lastRotation(
                                        "veryfi/a",
                                        null,
                                        NOW.minus(Duration.ofDays(3)),
                                        Duration.ofDays(31),
                                        NOW),
                        Status.WARN,
                        "never rotated by this stack; AWSCURRENT is 3 days old",
                        "veryfi-keys rotate veryfi/a"),
                row(
                        "rotation: last failed",
                        () ->
                                DoctorChecks.lastRotation(
                                        "veryfi/a",
                                        run("CONSUMERS_LAGGING", NOW.minusSeconds(3600)),
                                        NOW.minus(Duration.ofDays(3)),
                                        Duration.ofDays(31),
                                        NOW),
                        Status.WARN,
                        "last run CONSUMERS_LAGGING",
                        "veryfi-keys history veryfi/a"),
                row(
                        "rotation: key too old",
                        () ->
                                DoctorChecks.lastRotation(
                                        "veryfi/a",
                                        run("SUCCEEDED", NOW.minus(Duration.ofDays(70))),
                                        NOW.minus(Duration.ofDays(70)),
                                        Duration.ofDays(31),
                                        NOW),
                        Status.WARN,
                        "more than twice the schedule's period (31 days)",
                        "veryfi-keys rotate veryfi/a"),
                row(
                        "rotation: fine",
                        () ->
                                DoctorChecks.lastRotation(
                                        "veryfi/a",
                                        run("SUCCEEDED", NOW.minusSeconds(600)),
                                        NOW.minusSeconds(600),
                                        Duration.ofDays(31),
                                        NOW),
                        Status.OK,
                        "last run SUCCEEDED",
                        null),
                row(
                        "registry: changed",
                        () ->
                                DoctorChecks.registryChanged(
                                                "veryfi/a",
                                                List.of("payroll https://p/health"),
                                                List.of("payroll https://evil/health"))
                                        .orElseThrow(),
                        Status.WARN,
                        "added [payroll https://evil/health], removed [payroll https://p/health]",
                        "CloudTrail"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void verdict(Row row) {
        List<Check> checks = row.judged().get();
        assertThat(checks).hasSize(checks.size()).isNotEmpty();
        Check check =
                checks.stream()
                        .filter(c -> c.status() == row.status())
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                row.name()
                                                        + ": no "
                                                        + row.status()
                                                        + " in "
                                                        + checks));
        assertThat(check.detail()).contains(row.detail());
        if (row.fix() == null) assertThat(check.fix()).isNull();
        else assertThat(check.fix()).contains(row.fix());
        if (row.status() == Status.OK) assertThat(checks).allMatch(c -> c.status() == Status.OK);
    }

    @ParameterizedTest(name = "unchanged registry: {0}")
    @MethodSource("unchanged")
    void registryUnchangedSaysNothing(List<String> before, List<String> now) {
        assertThat(DoctorChecks.registryChanged("veryfi/a", before, now)).isEmpty();
    }

    static List<org.junit.jupiter.params.provider.Arguments> unchanged() {
        return List.of(
                org.junit.jupiter.params.provider.Arguments.of(null, List.of("a u")),
                org.junit.jupiter.params.provider.Arguments.of(
                        List.of("a u", "b v"), List.of("b v", "a u")));
    }
}
