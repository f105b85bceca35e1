package io.veryfikeys.rotation;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;

/**
 * What each handler's SnapStart priming hook runs (see {@link Priming}): the JSON of its input and
 * output records and the SDK calls its step makes, answered locally, never sent. Samples are
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
        readSecret();
        Priming.sdkCall(
                AwsClients::ssmParameters, c -> c.get("/veryfi-key-rotation/consumers/" + SECRET));
        new StepFunctionsRotations(AwsClients::sfn).of(STATE_MACHINE, SECRET);
        Priming.sdkCall(AwsClients::sfn, c -> c.describeExecution(b -> b.executionArn(EXECUTION)));
        lifecycle();
    }

    static void createKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(Created.class, CREATED);
        readSecret();
        putSecret("AWSPENDING");
        lifecycle();
    }

    static void verifyNewKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        readSecret();
    }

    static void promote() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(Rollout.class, ROLLOUT);
        readSecret();
        moveStage();
        publish();
    }

    static void pollConsumers() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        Priming.json(PollState.class, POLL);
        Priming.sdkCall(AwsClients::secretsManager, c -> c.describeSecret(b -> b.secretId(SECRET)));
        lifecycle();
    }

    static void deleteOldKey() {
        Priming.common();
        Priming.json(RotationState.class, STATE);
        readSecret();
        lifecycle();
    }

    static void revert() {
        Priming.common();
        Priming.json(RevertHandler.Request.class, "{\"phase\":\"demote\",\"state\":" + STATE + "}");
        Priming.json(Rollout.class, ROLLOUT);
        readSecret();
        moveStage();
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
        Priming.sdkCall(
                AwsClients::secretsManager,
                c ->
                        c.listSecrets(
                                ListSecretsRequest.builder()
                                        .filters(f -> f.key("name").values("veryfi/"))
                                        .maxResults(100)
                                        .build()));
    }

    /**
     * A PutSecretValue with {@code stage}, as CreateKey (AWSPENDING) and the reset (AWSCURRENT)
     * make it.
     */
    public static void putSecret(String stage) {
        Priming.sdkCall(
                AwsClients::secretsManager,
                c ->
                        c.putSecretValue(
                                b ->
                                        b.secretId(SECRET)
                                                .clientRequestToken(VERSION)
                                                .secretString("{}")
                                                .versionStages(stage)));
    }

    public static void readSecret() {
        Priming.sdkCall(
                AwsClients::secretsManager,
                c -> c.getSecretValue(b -> b.secretId(SECRET).versionStage("AWSCURRENT")));
        Priming.sdkCall(AwsClients::secretsManager, c -> c.describeSecret(b -> b.secretId(SECRET)));
    }

    public static void moveStage() {
        Priming.sdkCall(
                AwsClients::secretsManager,
                c ->
                        c.updateSecretVersionStage(
                                b ->
                                        b.secretId(SECRET)
                                                .versionStage("AWSCURRENT")
                                                .moveToVersionId(VERSION)
                                                .removeFromVersionId(OLD_VERSION)));
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
                c ->
                        c.publish(
                                b ->
                                        b.topicArn(TOPIC)
                                                .subject("priming")
                                                .message("{}")
                                                .messageAttributes(
                                                        Map.of(
                                                                "result",
                                                                MessageAttributeValue.builder()
                                                                        .dataType("String")
                                                                        .stringValue("PRIMING")
                                                                        .build()))));
    }
}
