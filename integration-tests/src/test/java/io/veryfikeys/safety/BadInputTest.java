package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, bad input: every function of template.yaml (Lambda Invoke API) and the rotation state
 * machine (StartExecution) fed malformed, missing, oversized, wrong-typed and hostile input. Each
 * must fail with {@code InvalidInputException} whose message names the field at fault, and nothing
 * may change at Veryfi (no mutating call recorded) or in Secrets Manager (every secret's versions
 * and labels as before).
 */
class BadInputTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String INVALID = "io.veryfikeys.support.InvalidInputException";

    /** A bad input and what the error message must name (null: any specific message). */
    record Bad(String payload, String names) {}

    static final String BIG = "x".repeat(300 * 1024);

    /** Malformed for every function: the envelope itself is wrong. */
    static List<Bad> envelope() {
        return List.of(
                new Bad("", "empty"),
                new Bad("not json", "JSON"),
                new Bad("{", "JSON"),
                new Bad("null", null),
                new Bad("[]", null),
                new Bad("[{\"secretId\":\"veryfi/a\"}]", null),
                new Bad("42", null),
                new Bad("\"veryfi/a\"", null),
                new Bad("true", null),
                new Bad("{\"secretId\":\"" + BIG + "\"}", "larger"),
                new Bad("\u0000\u0001", "JSON"));
    }

    /** Hostile or invalid secret names, as they would appear in any id field. */
    static final List<String> HOSTILE_IDS =
            List.of(
                    "../x",
                    "veryfi/../x",
                    "veryfi/../../etc/passwd",
                    "/veryfi/a",
                    "veryfi//a",
                    "veryfi/a\nb",
                    "veryfi/\u0000",
                    "veryfi/a'; DROP TABLE keys;--",
                    "veryfi/$(rm -rf /)",
                    "veryfi/<script>alert(1)</script>",
                    "veryfi/a b",
                    "..",
                    "x".repeat(300),
                    "veryfi/%2e%2e/x");

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Bad> planInputs() {
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("{}", "secretId"));
        bad.add(new Bad("{\"input\":{}}", "secretId"));
        bad.add(new Bad("{\"input\":[]}", "secretId"));
        bad.add(new Bad("{\"input\":\"veryfi/a\"}", "secretId"));
        bad.add(new Bad("{\"input\":{\"secretId\":null}}", "secretId"));
        bad.add(new Bad("{\"input\":{\"secretId\":123}}", "secretId"));
        bad.add(new Bad("{\"input\":{\"secretId\":[\"veryfi/a\"]}}", "secretId"));
        bad.add(new Bad("{\"input\":{\"secretId\":{\"$ne\":null}}}", "secretId"));
        for (String id : HOSTILE_IDS) {
            bad.add(new Bad("{\"input\":{\"secretId\":" + quote(id) + "}}", "secretId"));
        }
        return bad;
    }

    static List<Bad> settingInputs(String secretId) {
        List<Bad> bad = new ArrayList<>();
        for (String field :
                List.of(
                        "pollIntervalSeconds",
                        "requiredHealthyPolls",
                        "pollTimeoutSeconds",
                        "gracePeriodSeconds")) {
            for (String value :
                    List.of(
                            "-1",
                            "-2147483648",
                            "99999999999",
                            "1e308",
                            "1.5",
                            "\"10\"",
                            "[]",
                            "{}",
                            "true",
                            "9223372036854775808")) {
                bad.add(
                        new Bad(
                                "{\"secretId\":"
                                        + quote(secretId)
                                        + ",\""
                                        + field
                                        + "\":"
                                        + value
                                        + "}",
                                field));
            }
        }
        bad.add(
                new Bad(
                        "{\"secretId\":" + quote(secretId) + ",\"pollIntervalSeconds\":0}",
                        "pollIntervalSeconds"));
        bad.add(
                new Bad(
                        "{\"secretId\":" + quote(secretId) + ",\"requiredHealthyPolls\":0}",
                        "requiredHealthyPolls"));
        // Issue 20 item 3: the state the steps produce cannot be handed in with the input (a
        // "revert" that turns auto-revert off, a "lostCreate" that licenses deleting a key the plan
        // did not know...).
        for (String internal :
                List.of("plan", "created", "rollout", "revert", "lostCreate", "poll", "deleted")) {
            bad.add(
                    new Bad(
                            "{\"secretId\":" + quote(secretId) + ",\"" + internal + "\":{}}",
                            internal));
        }
        // Each within its own bounds, together past Step Functions' history quota (the largest
        // values allowed).
        bad.add(
                new Bad(
                        "{\"secretId\":"
                                + quote(secretId)
                                + ",\"pollIntervalSeconds\":1,\"pollTimeoutSeconds\":604800}",
                        "pollTimeoutSeconds"));
        return bad;
    }

    /**
     * For the steps after Plan: the state document with missing, wrong-typed or hostile members.
     */
    static List<Bad> stateInputs(String secretId) {
        String plan =
                "{\"action\":\"ROTATE\",\"secretId\":"
                        + quote(secretId)
                        + ",\"versionId\":\"v-1\","
                        + "\"currentVersionId\":\"c-1\",\"currentKeyId\":1,\"knownKeyIds\":[1],\"consumers\":[]}";
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("{}", "plan"));
        bad.add(new Bad("{\"plan\":null}", "plan"));
        bad.add(new Bad("{\"plan\":\"x\"}", "plan"));
        bad.add(new Bad("{\"plan\":[]}", "plan"));
        bad.add(new Bad("{\"plan\":{\"currentKeyId\":\"abc\"}}", "currentKeyId"));
        bad.add(new Bad("{\"plan\":" + plan + ",\"created\":{\"newKeyId\":\"abc\"}}", "newKeyId"));
        bad.add(new Bad("{\"plan\":" + plan + ",\"created\":[1]}", "created"));
        bad.add(new Bad("{\"plan\":" + plan + ",\"rollout\":{\"newKeyId\":{}}}", "newKeyId"));
        for (String id : HOSTILE_IDS.subList(0, 8)) {
            bad.add(
                    new Bad(
                            "{\"plan\":"
                                    + plan.replace(quote(secretId), quote(id))
                                    + ",\"created\":{\"versionId\":\"v-1\",\"newKeyId\":2},"
                                    + "\"rollout\":{\"newKeyId\":2,\"oldKeyId\":1,\"newVersionId\":\"v-1\",\"oldVersionId\":\"c-1\"}}",
                            "secretId"));
        }
        return bad;
    }

    /** An operator's confirmation: each refused, writing nothing (the secrets are compared). */
    static List<Bad> confirmInputs(RotationHarness.Account account) {
        String q = quote(account.secretId());
        String http = account.consumer(0).name();
        return List.of(
                new Bad("{}", "consumer"),
                new Bad("{\"secretId\":" + q + ",\"consumer\":\"a/b\",\"keyId\":1}", "consumer"),
                new Bad(
                        "{\"secretId\":" + q + ",\"consumer\":\"p\",\"confirmedBy\":\"x\"}",
                        "keyId"),
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"consumer\":\"p\",\"keyId\":-1,\"confirmedBy\":\"x\"}",
                        "keyId"),
                new Bad("{\"secretId\":" + q + ",\"consumer\":\"p\",\"keyId\":1}", "confirmedBy"),
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"consumer\":\"p\",\"keyId\":1,\"confirmedBy\":\"x\\u0007\"}",
                        "confirmedBy"),
                new Bad(
                        "{\"secretId\":\"../x\",\"consumer\":\"p\",\"keyId\":1,\"confirmedBy\":\"x\"}",
                        "secretId"),
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"consumer\":\"p\",\"keyId\":1,\"confirmedBy\":\"x\",\"confirmBy\":\"y\"}",
                        "confirmBy"),
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"consumer\":\"nobody\",\"keyId\":1,\"confirmedBy\":\"x\"}",
                        "no consumer nobody"),
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"consumer\":"
                                + quote(http)
                                + ",\"keyId\":1,\"confirmedBy\":\"x\"}",
                        "contract http, not manual"),
                new Bad(
                        "{\"secretId\":\"veryfi/no-registry\",\"consumer\":\"p\",\"keyId\":1,\"confirmedBy\":\"x\"}",
                        "no consumer registry"));
    }

    static List<Bad> resetInputs(String secretId) {
        List<Bad> bad = new ArrayList<>();
        String q = quote(secretId);
        bad.add(new Bad("{}", "secretId"));
        bad.add(new Bad("{\"secretId\":" + q + "}", "reason"));
        bad.add(
                new Bad(
                        "{\"secretId\":" + q + ",\"reason\":\"   \",\"confirm\":" + q + "}",
                        "reason"));
        bad.add(new Bad("{\"secretId\":" + q + ",\"reason\":\"leak\"}", "confirm"));
        bad.add(
                new Bad(
                        "{\"secretId\":" + q + ",\"reason\":\"leak\",\"confirm\":\"veryfi/other\"}",
                        "confirm"));
        bad.add(
                new Bad(
                        "{\"secretId\":" + q + ",\"reason\":\"leak\\u0007\",\"confirm\":" + q + "}",
                        "reason"));
        bad.add(
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"reason\":"
                                + quote("r".repeat(5000))
                                + ",\"confirm\":"
                                + q
                                + "}",
                        "reason"));
        bad.add(
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"reason\":\"leak\",\"confirm\":"
                                + q
                                + ",\"idempotencyToken\":\"../../etc\"}",
                        "idempotencyToken"));
        bad.add(
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"reason\":\"leak\",\"confirm\":"
                                + q
                                + ",\"requestedBy\":\"a\\u001b[31m\"}",
                        "requestedBy"));
        bad.add(
                new Bad(
                        "{\"secretId\":"
                                + q
                                + ",\"account\":\"veryfi/other\",\"reason\":\"leak\",\"confirm\":"
                                + q
                                + "}",
                        "account"));
        // 123 is read as the secret name "123" (valid), which then does not match confirm
        bad.add(new Bad("{\"secretId\":123,\"reason\":\"leak\",\"confirm\":" + q + "}", "confirm"));
        bad.add(
                new Bad(
                        "{\"secretId\":{\"a\":1},\"reason\":\"leak\",\"confirm\":" + q + "}",
                        "secretId"));
        for (String id : HOSTILE_IDS) {
            bad.add(
                    new Bad(
                            "{\"secretId\":"
                                    + quote(id)
                                    + ",\"reason\":\"leak\",\"confirm\":"
                                    + quote(id)
                                    + "}",
                            "secretId"));
        }
        return bad;
    }

    static List<Bad> listAccountsInputs() {
        List<Bad> inputs = new ArrayList<>();
        inputs.add(new Bad("{\"accounts\":\"veryfi/a\"}", "accounts"));
        inputs.add(new Bad("{\"accounts\":[]}", "accounts"));
        inputs.add(new Bad("{\"accounts\":[1]}", "secretId"));
        inputs.add(new Bad("{\"accounts\":[null]}", "secretId"));
        inputs.add(new Bad("{\"settings\":[]}", "settings"));
        inputs.add(new Bad("{\"settings\":{\"evil\":1}}", "settings.evil"));
        inputs.add(new Bad("{\"settings\":{\"pollIntervalSeconds\":-1}}", "pollIntervalSeconds"));
        inputs.add(
                new Bad(
                        "{\"settings\":{\"gracePeriodSeconds\":99999999999}}",
                        "gracePeriodSeconds"));
        for (String id : HOSTILE_IDS) {
            inputs.add(new Bad("{\"accounts\":[" + quote(id) + "]}", "secretId"));
        }
        inputs.add(new Bad("{\"dryRun\":\"yes\"}", "dryRun"));
        // As the fleet state machine sends them: the fleet input beside the template's settings.
        List<Bad> bad = new ArrayList<>();
        inputs.forEach(
                b ->
                        bad.add(
                                new Bad(
                                        "{\"input\":"
                                                + b.payload()
                                                + ",\"deploySettings\":"
                                                + RotationHarness.FLEET_DEPLOY_SETTINGS
                                                + "}",
                                        b.names())));
        bad.add(new Bad("{\"input\":{}}", "deploySettings"));
        bad.add(
                new Bad(
                        "{\"input\":{},\"deploySettings\":{\"secretNamePrefix\":\"veryfi/\"}}",
                        "deploySettings."));
        bad.add(
                new Bad(
                        "{\"input\":{},\"deploySettings\":"
                                + RotationHarness.FLEET_DEPLOY_SETTINGS.replace("\"5\"", "\"5000\"")
                                + "}",
                        "maxConcurrency"));
        bad.add(
                new Bad(
                        "{\"input\":{},\"deploySettings\":"
                                + RotationHarness.FLEET_DEPLOY_SETTINGS.replace("\"10\"", "\"0\"")
                                + "}",
                        "veryfiRequestsPerSecond"));
        return bad;
    }

    @Test
    void everyFunctionAndTheStateMachineRejectBadInputAndChangeNothing() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        Map<String, Object> before = secretsSnapshot();
        long mutatingBefore = mutatingCalls();
        List<Map<String, AttributeValue>> checkInsBefore = checkIns();

        Map<String, List<Bad>> cases = new LinkedHashMap<>();
        for (String function : stack.template().functions().keySet()) {
            List<Bad> list = new ArrayList<>(envelope());
            switch (function) {
                case "PlanFunction" -> list.addAll(planInputs());
                case "ResetFunction" -> list.addAll(resetInputs(account.secretId()));
                case "ListAccountsFunction" -> list.addAll(listAccountsInputs());
                case "ConfirmFunction" -> list.addAll(confirmInputs(account));
                case "FleetReportFunction" -> {
                    list.add(new Bad("{}", "runId"));
                    list.add(
                            new Bad(
                                    "{\"runId\":\"r\",\"notStarted\":[],\"results\":\"x\"}",
                                    "results"));
                    list.add(
                            new Bad(
                                    "{\"runId\":\"r\",\"notStarted\":[{\"account\":\"veryfi/a\","
                                            + "\"action\":\"NOPE\"}],\"results\":[]}",
                                    "action"));
                }
                case "ReportFunction" -> {
                    // The report is the catch-all of every failure: it accepts partial state by
                    // design, but not a wrong shape.
                    list.add(new Bad("{\"outcome\":[],\"state\":{}}", "outcome"));
                    list.add(new Bad("{\"state\":\"x\"}", "state"));
                }
                case "RevertFunction" -> {
                    list.add(new Bad("{\"phase\":\"demote\"}", "state"));
                    list.add(new Bad("{\"phase\":\"../x\",\"state\":{}}", "phase"));
                    for (Bad b : stateInputs(account.secretId())) {
                        list.add(
                                new Bad(
                                        "{\"phase\":\"discard\",\"state\":"
                                                + (b.payload().startsWith("{") ? b.payload() : "{}")
                                                + "}",
                                        b.names()));
                    }
                }
                default -> list.addAll(stateInputs(account.secretId()));
            }
            cases.put(function, list);
        }

        List<String> problems = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        int tried = 0;
        for (var entry : cases.entrySet()) {
            for (Bad bad : entry.getValue()) {
                tried++;
                counts.merge(entry.getKey(), 1, Integer::sum);
                RotationHarness.Invoked invoked = harness.invoke(entry.getKey(), bad.payload());
                String label = entry.getKey() + " <- " + abbreviate(bad.payload());
                if (invoked.functionError() == null) {
                    problems.add(label + ": accepted, answered " + abbreviate(invoked.payload()));
                } else if (!INVALID.equals(invoked.errorType())) {
                    problems.add(
                            label
                                    + ": "
                                    + invoked.errorType()
                                    + ": "
                                    + abbreviate(invoked.errorMessage()));
                } else if (bad.names() != null && !invoked.errorMessage().contains(bad.names())) {
                    problems.add(
                            label
                                    + ": message does not name "
                                    + bad.names()
                                    + ": "
                                    + abbreviate(invoked.errorMessage()));
                }
            }
        }

        // The state machine: StartExecution with bad input; Plan must refuse it, the run ends in
        // ReportFailure.
        List<String> executionInputs = new ArrayList<>();
        for (Bad b : planInputs()) {
            if (b.payload().startsWith("{\"input\":")) {
                executionInputs.add(
                        b.payload().substring("{\"input\":".length(), b.payload().length() - 1));
            }
        }
        settingInputs(account.secretId()).forEach(b -> executionInputs.add(b.payload()));
        executionInputs.addAll(
                List.of(
                        "[]",
                        "42",
                        "\"veryfi/a\"",
                        "null",
                        "{\"secretId\":" + quote(BIG.substring(0, 200_000)) + "}"));
        String machine = harness.stateMachine("RotationStateMachine");
        Map<String, String> inputOf = new LinkedHashMap<>();
        List<String> arns = new ArrayList<>();
        int rejectedAtStart = 0;
        int engineRefused = 0;
        for (String input : executionInputs) {
            tried++;
            counts.merge("RotationStateMachine", 1, Integer::sum);
            try {
                String arn =
                        harness.sfn
                                .startExecution(b -> b.stateMachineArn(machine).input(input))
                                .executionArn();
                arns.add(arn);
                inputOf.put(arn, input);
            } catch (software.amazon.awssdk.services.sfn.model.SfnException refused) {
                rejectedAtStart++; // InvalidExecutionInput at the API: nothing ran
            }
        }
        List<RotationHarness.Execution> executions = new ArrayList<>();
        for (String arn : arns) {
            RotationHarness.Execution e = harness.await(arn, Duration.ofMinutes(2));
            executions.add(e);
            String planError = planError(e.history());
            if (e.status() == ExecutionStatus.FAILED
                    && e.statesEntered().equals(List.of("Plan"))
                    && !inputOf.get(arn).startsWith("{")) {
                // moto's ASL engine fails a non-object execution input at the Plan state's
                // Parameters ("input.$": "$") before invoking anything; nothing ran, nothing
                // changed (asserted below).
                engineRefused++;
            } else if (e.status() != ExecutionStatus.FAILED
                    || !e.statesEntered().contains("ReportFailure")
                    || e.statesEntered().contains("CreateKey")) {
                problems.add(
                        "StartExecution "
                                + abbreviate(inputOf.get(arn))
                                + ": "
                                + e.status()
                                + " "
                                + e.statesEntered());
            } else if (!INVALID.equals(planError)) {
                problems.add("StartExecution " + arn + ": Plan failed with " + planError);
            }
        }

        assertThat(mutatingCalls()).as("mutating Veryfi calls").isEqualTo(mutatingBefore);
        assertThat(secretsSnapshot()).as("Secrets Manager").isEqualTo(before);
        assertThat(checkIns()).as("the check-in table").isEqualTo(checkInsBefore);
        assertThat(InvariantChecker.leaksIn(harness, executions)).isEmpty();
        System.out.printf(
                "BAD INPUT: %d inputs tried %s (%d refused by StartExecution itself, %d non-object inputs"
                        + " failed by the engine before Plan ran), %d problems%n",
                tried, counts, rejectedAtStart, engineRefused, problems.size());
        problems.forEach(p -> System.out.println("BAD INPUT PROBLEM " + p));
        assertThat(problems).isEmpty();
    }

    private static String planError(List<HistoryEvent> history) {
        for (HistoryEvent e : history) {
            if (e.lambdaFunctionFailedEventDetails() != null) {
                return e.lambdaFunctionFailedEventDetails().error();
            }
        }
        return null;
    }

    private static List<Map<String, AttributeValue>> checkIns() {
        return stack.dynamoDb().scan(r -> r.tableName(stack.tableName("CheckInsTable"))).items();
    }

    private static long mutatingCalls() {
        return harness.veryfi.requests().stream()
                .filter(
                        r ->
                                r.path().startsWith("/api/v8/partner/client-keys")
                                        && !r.method().equals("GET"))
                .count();
    }

    private static Map<String, Object> secretsSnapshot() {
        Map<String, Object> snapshot = new TreeMap<>();
        harness.secrets.listSecretsPaginator(b -> b.includePlannedDeletion(true)).stream()
                .flatMap(p -> p.secretList().stream())
                .forEach(
                        s ->
                                snapshot.put(
                                        s.name(),
                                        new TreeMap<>(
                                                harness.secrets
                                                        .describeSecret(b -> b.secretId(s.arn()))
                                                        .versionIdsToStages())));
        return snapshot;
    }

    private static String abbreviate(String s) {
        String clean = s == null ? "null" : s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 120
                ? clean.substring(0, 120) + "...(" + clean.length() + " chars)"
                : clean;
    }
}
