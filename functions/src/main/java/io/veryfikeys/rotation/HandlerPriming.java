package io.veryfikeys.rotation;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.Concurrently;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.secrets.AccountSecret;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import io.veryfikeys.veryfi.VeryfiPriming;

import java.util.List;
import java.util.Map;

/**
 * What each handler's SnapStart priming hook runs (see {@link Priming}): the JSON of its input and
 * output records and the AWS calls its step makes, answered locally, never sent. Samples are
 * made-up ids only; the secret names are under {@code priming/}, which no policy grants anyway.
 */
public final class HandlerPriming {
    public static final String SECRET = "veryfi/priming";
    public static final String VERSION = "00000000-0000-4000-8000-000000000001";
    private static final String OLD_VERSION = "00000000-0000-4000-8000-000000000002";
    public static final String EXECUTION =
            "arn:aws:states:us-east-1:123456789012:execution:priming-rotation:priming";
    public static final String STATE_MACHINE =
            "arn:aws:states:us-east-1:123456789012:stateMachine:priming-rotation";
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:priming";

    static final String PLAN =
            "{\"action\":\"ROTATE\",\"reason\":\"priming\",\"secretId\":\""
                    + SECRET
                    + "\","
                    + "\"versionId\":\""
                    + VERSION
                    + "\",\"currentVersionId\":\""
                    + OLD_VERSION
                    + "\",\"currentKeyId\":1,"
                    + "\"staleKeyId\":null,\"knownKeyIds\":[1],\"consumers\":[{\"name\":\"priming\","
                    + "\"healthUrl\":\"https://priming.invalid/health\"}],\"settings\":{\"pollIntervalSeconds\":60,"
                    + "\"requiredHealthyPolls\":3,\"pollTimeoutSeconds\":86400,\"gracePeriodSeconds\":3600},"
                    + "\"rollout\":null,\"executionId\":\""
                    + EXECUTION
                    + "\"}";
    static final String CREATED = "{\"versionId\":\"" + VERSION + "\",\"newKeyId\":2}";
    static final String ROLLOUT =
            "{\"newKeyId\":2,\"oldKeyId\":1,\"newVersionId\":\""
                    + VERSION
                    + "\",\"oldVersionId\":\""
                    + OLD_VERSION
                    + "\"}";
    static final String POLL =
            "{\"status\":\"DONE\",\"startedAtMillis\":1767225600000,\"consecutiveHealthy\":1,"
                    + "\"polls\":1,\"waitedSeconds\":0,\"lagging\":[],\"unhealthy\":[]}";
    static final String STATE =
            "{\"secretId\":\""
                    + SECRET
                    + "\",\"plan\":"
                    + PLAN
                    + ",\"created\":"
                    + CREATED
                    + ",\"verified\":{\"keyId\":2},\"rollout\":"
                    + ROLLOUT
                    + ",\"poll\":"
                    + POLL
                    + "}";

    private HandlerPriming() {}

    static void plan() {
        Priming.common();
        Priming.json(
                PlanRequest.class,
                "{\"input\":{\"secretId\":\""
                        + SECRET
                        + "\",\"requiredHealthyPolls\":1},"
                        + "\"executionId\":\""
                        + EXECUTION
                        + "\",\"stateMachineArn\":\""
                        + STATE_MACHINE
                        + "\","
                        + "\"deploySettings\":{\"pollIntervalSeconds\":\"120\",\"requiredHealthyPolls\":\"3\","
                        + "\"pollTimeoutSeconds\":\"86400\",\"gracePeriodSeconds\":\"3600\","
                        + "\"consumerRegistryPrefix\":\"/veryfi-key-rotation/consumers\",\"secretNamePrefix\":\"veryfi/\"}}");
        Priming.json(Plan.class, PLAN);
        // as the plan does: the scan on a thread of its own, beside the other reads
        Concurrently.Call<Void> scan =
                Concurrently.start(
                        () -> {
                            scanSecrets();
                            return null;
                        });
        readSecret();
        Priming.sdkCall(
                AwsClients::ssmParameters, c -> c.get("/veryfi-key-rotation/consumers/" + SECRET));
        runningRotations();
        scan.join();
        VeryfiPriming.list();
        lifecycle();
    }

    static void createKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(Created.class, CREATED);
        readSecret();
        VeryfiPriming.create();
        putSecret("AWSPENDING");
        lifecycle();
    }

    static void verifyNewKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        readSecret();
        VeryfiPriming.list();
    }

    static void promote() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(Rollout.class, ROLLOUT);
        readSecret();
        readHistory();
        moveStage();
        publish();
    }

    static void pollConsumers() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(PollState.class, POLL);
        describeSecret();
        lifecycle();
    }

    static void deleteOldKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        readSecret();
        readHistory();
        VeryfiPriming.delete();
        lifecycle();
    }

    static void revert() {
        Priming.common();
        Priming.json(RevertHandler.Request.class, "{\"phase\":\"demote\",\"state\":" + STATE + "}");
        Priming.json(Rollout.class, ROLLOUT);
        readSecret();
        readHistory();
        moveStage();
        VeryfiPriming.delete(); // the discard phase deletes the new key
        publish();
    }

    static void report() {
        Priming.common();
        Priming.json(
                RotationReport.Request.class,
                "{\"outcome\":\"SUCCEEDED\",\"executionId\":\""
                        + EXECUTION
                        + "\",\"state\":"
                        + STATE
                        + "}");
        lifecycle();
        publish();
        // The metric line's code, built but not printed (Metrics is muted while a hook runs).
        Metrics.put(Metric.ROTATIONS, 1, SECRET, Outcome.SUCCEEDED.name());
    }

    static void listAccounts() {
        Priming.common();
        Priming.json(
                com.fasterxml.jackson.databind.JsonNode.class,
                "{\"input\":{\"settings\":{\"gracePeriodSeconds\":0}},"
                        + "\"deploySettings\":{\"secretNamePrefix\":\"veryfi/\",\"rotationTagKey\":\"veryfi-key-rotation\","
                        + "\"rotationTagValue\":\"enabled\",\"maxConcurrency\":\"5\",\"veryfiRequestsPerSecond\":\"10\"}}");
        // ListAccounts' own listing (listUnder) is the scan's first call.
        scanSecrets();
        readVersionIds();
    }

    /**
     * A PutSecretValue with {@code stage}, as CreateKey (AWSPENDING) and the reset (AWSCURRENT)
     * make it.
     */
    public static void putSecret(String stage) {
        AccountSecret placeholder = AccountSecret.parse(SECRET, PLACEHOLDER_SECRET);
        AccountSecrets secrets = new AccountSecrets(AwsClients::secretsManager);
        switch (stage) {
            case "AWSPENDING" -> secrets.putPending(SECRET, VERSION, placeholder);
            case "AWSCURRENT" -> secrets.putCurrent(SECRET, VERSION, placeholder);
            default -> throw new IllegalArgumentException("priming: no put with " + stage);
        }
    }

    public static void readSecret() {
        Priming.answering(
                SECRETS_ANSWERS,
                () -> new AccountSecrets(AwsClients::secretsManager).readCurrent(SECRET));
        describeSecret();
    }

    /** DescribeSecret through our own code (the secret's versions and their labels). */
    private static void describeSecret() {
        Priming.answering(
                SECRETS_ANSWERS,
                () -> new AccountSecrets(AwsClients::secretsManager).versions(SECRET));
    }

    public static void moveStage() {
        new AccountSecrets(AwsClients::secretsManager).moveCurrent(SECRET, OLD_VERSION, VERSION);
    }

    /** An account secret's shape with placeholders: priming reads and writes no real one. */
    private static final String PLACEHOLDER_SECRET =
            "{\"clientId\":\"vf_priming\",\"username\":\"priming\",\"apiKey\":\"priming-placeholder\","
                    + "\"apiKeyId\":1}";

    private static final String ENTRY_ARN =
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + SECRET + "-AbCdEf";

    /**
     * One secret value as GetSecretValue answers it, and as BatchGetSecretValue lists it: the
     * priming secret's current version holding {@code secretString}.
     */
    private static String secretValue(String secretString) {
        return "{\"ARN\":\""
                + ENTRY_ARN
                + "\",\"Name\":\""
                + SECRET
                + "\",\"VersionId\":\""
                + VERSION
                + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1767225600.0,"
                + "\"SecretString\":"
                + JsonRecords.text(secretString)
                + "}";
    }

    /**
     * Canned answers in the shape Secrets Manager gives them, so our code reads each listed entry
     * (an empty answer has none to read). Made-up ids and a placeholder account with no key:
     * priming never reads a secret.
     */
    private static final Map<String, String> SECRETS_ANSWERS =
            Map.of(
                    "secretsmanager.ListSecrets",
                    "{\"SecretList\":[{\"ARN\":\""
                            + ENTRY_ARN
                            + "\",\"Name\":\""
                            + SECRET
                            + "\",\"LastChangedDate\":1767225600.0,\"CreatedDate\":1767225600.0,"
                            + "\"Tags\":[{\"Key\":\"veryfi-key-rotation\",\"Value\":\"enabled\"}],"
                            + "\"SecretVersionsToStages\":{\""
                            + VERSION
                            + "\":[\"AWSCURRENT\"]}}]}",
                    "secretsmanager.BatchGetSecretValue",
                    "{\"SecretValues\":["
                            + secretValue(
                                    "{\"clientId\":\"priming\",\"username\":\"priming\",\"linkedSecrets\":[]}")
                            + "],\"Errors\":[]}",
                    "secretsmanager.GetSecretValue",
                    secretValue(PLACEHOLDER_SECRET),
                    "secretsmanager.DescribeSecret",
                    "{\"ARN\":\""
                            + ENTRY_ARN
                            + "\",\"Name\":\""
                            + SECRET
                            + "\",\"LastChangedDate\":1767225600.0,\"CreatedDate\":1767225600.0,"
                            + "\"Tags\":[{\"Key\":\"veryfi-key-rotation\",\"Value\":\"enabled\"}],"
                            + "\"VersionIdsToStages\":{\""
                            + VERSION
                            + "\":[\"AWSCURRENT\"],\""
                            + OLD_VERSION
                            + "\":[\"AWSPREVIOUS\"]}}",
                    "secretsmanager.ListSecretVersionIds",
                    "{\"ARN\":\""
                            + ENTRY_ARN
                            + "\",\"Name\":\""
                            + SECRET
                            + "\",\"Versions\":[{\"VersionId\":\""
                            + VERSION
                            + "\",\"VersionStages\":[\"AWSCURRENT\"],"
                            + "\"CreatedDate\":1767225600.0,\"LastAccessedDate\":1767225600.0}]}");

    /**
     * The same-account scan (Plan, the reset, ListAccounts) through our own code: ListSecrets and
     * BatchGetSecretValue with one listed secret each, so the code that reads an entry runs too.
     */
    public static SameAccountSecrets.Scan scanSecrets() {
        return Priming.answering(
                SECRETS_ANSWERS,
                () -> new AccountSecrets(AwsClients::secretsManager).sameAccountScan("veryfi/"));
    }

    /** ListSecretVersionIds as the reset (hasVersion) and ListAccounts (a key's age) make it. */
    public static java.util.Optional<java.time.Instant> readVersionIds() {
        return Priming.answering(
                SECRETS_ANSWERS,
                () -> {
                    AccountSecrets secrets = new AccountSecrets(AwsClients::secretsManager);
                    secrets.hasVersion(SECRET, VERSION);
                    return secrets.currentCreated(SECRET);
                });
    }

    /**
     * A step's check of its own execution (Promote, DeleteOldKey, Revert) through our own code,
     * against a canned history with the events a rotation's history has (a function's scheduling,
     * start, failure and success; states entered and exited) and the outputs the check compares.
     * With an empty answer the first invocation still loaded about 260 classes of event details.
     */
    public static void readHistory() {
        try {
            RotationState state = JsonRecords.read(JsonTree.parse(STATE), RotationState.class);
            Priming.answering(
                    Map.of("AWSStepFunctions.GetExecutionHistory", history()),
                    () -> {
                        new StepFunctionsExecutionRecord(AwsClients::sfn, STATE_MACHINE)
                                .confirm(state, "priming");
                        return null;
                    });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("priming history", e);
        }
    }

    private static String history() throws java.io.IOException {
        var events = JsonTree.array();
        var started = event(events, "ExecutionStarted", "executionStartedEventDetails");
        started.put("input", "{\"secretId\":\"" + SECRET + "\"}");
        started.putObject("inputDetails").put("truncated", false);
        started.put("roleArn", "arn:aws:iam::123456789012:role/priming");
        String[][] outputs = {
            {"Plan", "{\"plan\":" + PLAN + "}"},
            {"CreateKey", "{\"created\":" + CREATED + "}"},
            {"Promote", "{\"rollout\":" + ROLLOUT + "}"}
        };
        for (String[] state : outputs) {
            var entered = event(events, "TaskStateEntered", "stateEnteredEventDetails");
            entered.put("name", state[0]);
            entered.put("input", "{}");
            entered.putObject("inputDetails").put("truncated", false);
            // The rotation's Task states name their function's ARN (no service integration),
            // so their history has LambdaFunction* events, a retried call's failure among them.
            var scheduled =
                    event(events, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails");
            scheduled.put("resource", "arn:aws:lambda:us-east-1:123456789012:function:priming");
            scheduled.put("input", "{}");
            scheduled.putObject("inputDetails").put("truncated", false);
            scheduled.put("timeoutInSeconds", 60);
            event(events, "LambdaFunctionStarted", null);
            var failed = event(events, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails");
            failed.put("error", "Lambda.TooManyRequestsException");
            failed.put("cause", "priming");
            var succeeded =
                    event(events, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails");
            succeeded.put("output", "{}");
            succeeded.putObject("outputDetails").put("truncated", false);
            var exited = event(events, "TaskStateExited", "stateExitedEventDetails");
            exited.put("name", state[0]);
            exited.put("output", state[1]);
            exited.putObject("outputDetails").put("truncated", false);
        }
        var answer = JsonTree.object();
        answer.set("events", events);
        return JsonTree.text(answer);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode event(
            com.fasterxml.jackson.databind.node.ArrayNode events, String type, String details) {
        var event = events.addObject();
        event.put("id", events.size());
        if (events.size() > 1) event.put("previousEventId", events.size() - 1);
        event.put("timestamp", 1767225600.0);
        event.put("type", type);
        return details == null ? event : event.putObject(details);
    }

    /**
     * The search for rotations of the account already running (Plan, and the reset that stops them)
     * through our own code: ListExecutions answers one running execution, and DescribeExecution its
     * input.
     */
    public static List<String> runningRotations() {
        return Priming.answering(
                Map.of(
                        "AWSStepFunctions.ListExecutions",
                        "{\"executions\":[{\"executionArn\":\""
                                + EXECUTION
                                + "\",\"stateMachineArn\":\""
                                + STATE_MACHINE
                                + "\",\"name\":\"priming\",\"status\":\"RUNNING\","
                                + "\"startDate\":1767225600.0}]}",
                        "AWSStepFunctions.DescribeExecution",
                        "{\"executionArn\":\""
                                + EXECUTION
                                + "\",\"stateMachineArn\":\""
                                + STATE_MACHINE
                                + "\",\"name\":\"priming\",\"status\":\"RUNNING\","
                                + "\"startDate\":1767225600.0,\"input\":\"{\\\"secretId\\\":\\\""
                                + SECRET
                                + "\\\"}\",\"inputDetails\":{\"included\":true}}"),
                () -> new StepFunctionsRotations(AwsClients::sfn).of(STATE_MACHINE, SECRET));
    }

    /** A PutEvents of a lifecycle event, as each step that announces one makes it. */
    public static void lifecycle() {
        Priming.sdkCall(
                AwsClients::events,
                c ->
                        c.put(
                                "veryfi-key-rotation.priming",
                                LifecycleEvent.keyCreated(
                                        SECRET, EXECUTION, 2, VERSION, "2026-01-01T00:00:00Z")));
    }

    public static void publish() {
        Priming.sdkCall(
                AwsClients::sns,
                c -> c.publish(TOPIC, "priming", "{}", Map.of("result", "PRIMING")));
    }
}
