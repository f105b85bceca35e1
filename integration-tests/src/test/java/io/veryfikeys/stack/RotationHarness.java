package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.SnsCapture;
import io.veryfikeys.simulator.ChangeListener;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.Log;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every end-to-end test needs: a Veryfi account in the simulator, its secret in moto's Secrets
 * Manager, its consumer registry in moto's SSM, simulated consumers, and ways to run the real state
 * machine and read back what happened (history, alerts, logs), including the scan that proves no
 * key value leaked.
 */
public final class RotationHarness implements AutoCloseable {
    /**
     * Test tuning, given to every function's sandbox as environment variables (and to this JVM as
     * system properties, for test code that computes the same figures): verification retries
     * quickly (2 s between tries in AWS), the reset's store retries start at 50 ms, and a Veryfi
     * call longer than 1.5 s counts as timed out (10 s in AWS).
     */
    public static final Map<String, String> TUNING =
            Map.of(
                    "VERIFY_RETRY_DELAY_MILLIS", "100",
                    "STORE_RETRY_BASE_MILLIS", "50",
                    "VERYFI_REQUEST_TIMEOUT_MILLIS", "1500");

    static {
        TUNING.forEach(System::setProperty);
    }

    /**
     * What the fleet state machine sends ListAccounts beside its input: the template's defaults.
     */
    public static final String FLEET_DEPLOY_SETTINGS =
            "{\"secretNamePrefix\":\"veryfi/\",\"rotationTagKey\":"
                    + "\"veryfi-key-rotation\",\"rotationTagValue\":\"enabled\",\"maxConcurrency\":\"5\",\"veryfiRequestsPerSecond\":\"10\"}";

    /**
     * A rotation's execution input overrides: poll every {@code pollInterval} s, {@code
     * healthyPolls} healthy polls in a row, give up after {@code pollTimeout} s, grace {@code
     * grace} s.
     */
    public static Map<String, Object> settings(
            int pollInterval, int healthyPolls, int pollTimeout, int grace) {
        return Map.of(
                "pollIntervalSeconds",
                pollInterval,
                "requiredHealthyPolls",
                healthyPolls,
                "pollTimeoutSeconds",
                pollTimeout,
                "gracePeriodSeconds",
                grace);
    }

    /**
     * Waits until the execution has entered PollConsumers {@code rounds} times (its consumers were
     * asked that often).
     */
    public void awaitPolls(String executionArn, int rounds, Duration timeout) {
        org.awaitility.Awaitility.await(rounds + " rounds of PollConsumers")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                execution(executionArn, ExecutionStatus.RUNNING)
                                                .statesEntered()
                                                .stream()
                                                .filter("PollConsumers"::equals)
                                                .count()
                                        >= rounds);
    }

    /** A ListAccounts invocation as the fleet state machine makes it for the input {@code {}}. */
    public static final String LIST_ACCOUNTS_EVENT =
            "{\"input\":{},\"deploySettings\":" + FLEET_DEPLOY_SETTINGS + "}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static volatile boolean capturing;

    public final LocalAwsStack stack;
    public final VeryfiSimulator veryfi;
    public final SecretsManagerClient secrets;
    public final SsmClient ssm;
    public final SfnClient sfn;
    public final SnsCapture alerts;
    public final SnsCapture keyRotated;

    /** The stack's lifecycle events (README: Lifecycle events), as a rule's target gets them. */
    public final io.veryfikeys.localstack.EventCapture lifecycle;

    private static final AtomicInteger SIMULATOR_PORT = new AtomicInteger(0);
    private final List<String> createdSecrets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<SimulatedConsumer> consumers =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Consumers started by the running test method (null between tests): stopped at its end. */
    private volatile List<SimulatedConsumer> testConsumers;

    private final Map<String, String> stateMachines = new LinkedHashMap<>();

    public RotationHarness(LocalAwsStack stack) {
        captureLogs();
        this.stack = stack;
        TUNING.forEach((k, v) -> stack.lambdaHost().environmentOverride(k, v));
        captureFunctionLogs(stack);
        // One port for every test class in this JVM: the test mode's allow-list names it, and a new
        // value would restart every function's sandboxes (cold starts in each class).
        this.veryfi = VeryfiSimulator.start(SIMULATOR_PORT.get());
        SIMULATOR_PORT.set(veryfi.port());
        stack.localTestMode(veryfi.baseUrl());
        this.secrets = stack.secretsManager();
        this.sfn = stack.sfn();
        this.ssm = stack.client(SsmClient::builder);
        this.alerts = stack.subscribeQueue(stack.topicArn("AlertsTopic"));
        this.keyRotated = stack.subscribeQueue(stack.topicArn("KeyRotatedTopic"));
        this.lifecycle = stack.captureEvents(eventSource());
    }

    /** The source of the stack's lifecycle events, as the functions' environment gives it. */
    public String eventSource() {
        return stack.environment().get("EVENT_SOURCE");
    }

    /**
     * Everything printed during the run is kept for the leak scan: stdout and stderr (still shown),
     * and the handlers' JSON log lines, which go to target/handler-logs.jsonl instead of the
     * console so that the test output stays readable.
     */
    private static synchronized void captureLogs() {
        if (capturing) {
            return;
        }
        OutputStream handlerFile;
        try {
            handlerFile = new java.io.FileOutputStream("target/handler-logs.jsonl", true);
        } catch (java.io.IOException e) {
            handlerFile = OutputStream.nullOutputStream();
        }
        System.setOut(tee(System.out));
        System.setErr(tee(System.err));
        handlerLog = tee(handlerFile);
        Log.redirect(handlerLog);
        capturing = true;
    }

    /**
     * The handler log: this JVM's handler lines and, through the listener below, the sandboxes'
     * lines.
     */
    private static PrintStream handlerLog;

    private static final java.util.Set<Object> LISTENING =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /**
     * The functions' own log lines (printed by their sandboxes) join the handler log and the leak
     * scan.
     */
    private static synchronized void captureFunctionLogs(LocalAwsStack stack) {
        if (!LISTENING.add(stack.lambdaHost())) {
            return;
        }
        PrintStream out = handlerLog;
        stack.lambdaHost().addLogListener((function, line) -> out.println(line));
    }

    private static PrintStream tee(OutputStream also) {
        return new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) throws java.io.IOException {
                        synchronized (CAPTURED) {
                            CAPTURED.write(b);
                        }
                        also.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        synchronized (CAPTURED) {
                            CAPTURED.write(b, off, len);
                        }
                        also.write(b, off, len);
                    }

                    @Override
                    public void flush() throws java.io.IOException {
                        also.flush();
                    }
                },
                true,
                StandardCharsets.UTF_8);
    }

    public static String capturedLogs() {
        synchronized (CAPTURED) {
            return CAPTURED.toString(StandardCharsets.UTF_8);
        }
    }

    public synchronized String stateMachine(String logicalId) {
        return stateMachines.computeIfAbsent(logicalId, stack::deployStateMachine);
    }

    // ------------------------------------------------------------------ accounts

    public record Account(
            String secretId,
            String clientId,
            String username,
            long initialKeyId,
            List<SimulatedConsumer> consumers) {
        public SimulatedConsumer consumer(int index) {
            return consumers.get(index);
        }
    }

    /**
     * An account with one key, its secret, a registry of {@code consumerCount} consumers following
     * AWSCURRENT after {@code lag}.
     */
    public Account account(int consumerCount, Duration lag) {
        return accountUnder("veryfi/", consumerCount, lag);
    }

    /** {@link #account} with its secret named {@code <prefix>it-<n>}. */
    public Account accountUnder(String prefix, int consumerCount, Duration lag) {
        int n = ACCOUNTS.incrementAndGet();
        String secretId = prefix + "it-" + n;
        String clientId = "vf_client_" + n;
        String username = "bot" + n;
        SimulatedKey key =
                veryfi.createAccount(clientId, username, n % 2 == 0 ? "client-secret-" + n : null);
        ObjectNode secret =
                JSON.createObjectNode()
                        .put("clientId", clientId)
                        .put("username", username)
                        .put("apiKey", key.value())
                        .put("apiKeyId", key.id())
                        .put("baseUrl", veryfi.baseUrl().toString());
        if (n % 2 == 0) {
            secret.put("clientSecret", "client-secret-" + n);
        }
        secrets.createSecret(
                b ->
                        b.name(secretId)
                                .secretString(secret.toString())
                                .tags(
                                        Tag.builder()
                                                .key("veryfi-key-rotation")
                                                .value("enabled")
                                                .build()));
        createdSecrets.add(secretId);
        return new Account(
                secretId,
                clientId,
                username,
                key.id(),
                registeredConsumers(secretId, "consumer-" + n, consumerCount, lag));
    }

    /**
     * {@code count} consumers named {@code <name>-<i>} following AWSCURRENT of {@code secretId}
     * after {@code lag}, registered.
     */
    private List<SimulatedConsumer> registeredConsumers(
            String secretId, String name, int count, Duration lag) {
        List<SimulatedConsumer> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimulatedConsumer consumer =
                    SimulatedConsumer.start(
                            name + "-" + i,
                            () -> currentCredentials(secretId),
                            lag,
                            Duration.ofMillis(100));
            started.add(consumer);
            consumers.add(consumer);
            List<SimulatedConsumer> ofTest = testConsumers;
            if (ofTest != null) {
                ofTest.add(consumer);
            }
        }
        registry(secretId, started);
        return started;
    }

    /**
     * A second secret holding the same Veryfi account as {@code primary} (its AWSCURRENT copied as
     * it is, as a person copies a secret for another team), not tagged for rotation, with its own
     * registry of {@code consumerCount} consumers following the copy's AWSCURRENT after {@code
     * lag}.
     */
    public Account copyOf(Account primary, String suffix, int consumerCount, Duration lag) {
        String copyId = primary.secretId() + "-" + suffix;
        String value =
                secrets.getSecretValue(
                                b -> b.secretId(primary.secretId()).versionStage("AWSCURRENT"))
                        .secretString();
        secrets.createSecret(b -> b.name(copyId).secretString(value));
        createdSecrets.add(copyId);
        return new Account(
                copyId,
                primary.clientId(),
                primary.username(),
                primary.initialKeyId(),
                registeredConsumers(copyId, "consumer-" + suffix, consumerCount, lag));
    }

    /** Tags the secret {@code secretId}: a fleet policy tag, say, or the rotation tag itself. */
    public void tag(String secretId, String key, String value) {
        secrets.tagResource(
                b -> b.secretId(secretId).tags(Tag.builder().key(key).value(value).build()));
    }

    /**
     * Declares {@code copies} linked in the primary's secret ({@code "linkedSecrets"}), as a new
     * AWSCURRENT version.
     */
    public void link(Account primary, Account... copies) {
        String value =
                secrets.getSecretValue(
                                b -> b.secretId(primary.secretId()).versionStage("AWSCURRENT"))
                        .secretString();
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(value);
            json.set(
                    "linkedSecrets",
                    JSON.valueToTree(
                            java.util.Arrays.stream(copies).map(Account::secretId).toList()));
            secrets.putSecretValue(
                    b -> b.secretId(primary.secretId()).secretString(json.toString()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a person does by hand: moves AWSCURRENT of {@code secretId} back to its AWSPREVIOUS
     * version.
     */
    public void moveCurrentBack(String secretId) {
        var stages = secrets.describeSecret(b -> b.secretId(secretId)).versionIdsToStages();
        String current =
                stages.entrySet().stream()
                        .filter(e -> e.getValue().contains("AWSCURRENT"))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
        String previous =
                stages.entrySet().stream()
                        .filter(e -> e.getValue().contains("AWSPREVIOUS"))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
        secrets.updateSecretVersionStage(
                b ->
                        b.secretId(secretId)
                                .versionStage("AWSCURRENT")
                                .removeFromVersionId(current)
                                .moveToVersionId(previous));
    }

    public void registry(String secretId, List<SimulatedConsumer> list) {
        ObjectNode registry = JSON.createObjectNode();
        registry.set(
                "consumers",
                JSON.valueToTree(
                        list.stream()
                                .map(
                                        c ->
                                                Map.of(
                                                        "name",
                                                        c.name(),
                                                        "healthUrl",
                                                        c.healthUrl().toString()))
                                .toList()));
        if (list.isEmpty()) {
            registry.put("noConsumers", "test account: nothing holds its key");
        }
        String document = registry.toString();
        ssm.putParameter(
                b ->
                        b.name("/veryfi-key-rotation/consumers/" + secretId)
                                .type("String")
                                .value(document)
                                .overwrite(true));
    }

    private SimulatedConsumer.Credentials currentCredentials(String secretId) {
        return credentials(secretId, "AWSCURRENT");
    }

    /**
     * Waits until each of {@code consumers} uses key {@code keyId}, woken by their change events
     * rather than by polling. It does not assert: the caller's assertion says what is wrong.
     */
    public static void awaitConsumersUsing(
            Collection<SimulatedConsumer> consumers, long keyId, Duration timeout) {
        Semaphore changed = new Semaphore(0);
        ChangeListener listener = event -> changed.release();
        consumers.forEach(c -> c.addChangeListener(listener));
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            // Looked at after subscribing: a switch before is seen here, one after wakes the wait.
            while (!consumers.stream().allMatch(c -> c.keyIdInUse() == keyId)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !changed.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            consumers.forEach(c -> c.removeChangeListener(listener));
        }
    }

    /**
     * Waits until no key-API call of the account is in flight at the simulator: a call whose client
     * timed out goes on there and may still change the account.
     */
    public void awaitNoVeryfiCallInFlight(String clientId) {
        org.awaitility.Awaitility.await("no Veryfi call of " + clientId + " in flight")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> veryfi.inFlight(Endpoint.ANY, clientId) == 0);
    }

    public SimulatedConsumer.Credentials credentials(String secretId, String stage) {
        return SimulatedConsumer.Credentials.fromSecretString(
                secretId,
                secrets.getSecretValue(b -> b.secretId(secretId).versionStage(stage))
                        .secretString());
    }

    /** Staging label → key id, read back from Secrets Manager. */
    public Map<String, Long> keyIdsByStage(String secretId) {
        Map<String, Long> result = new LinkedHashMap<>();
        var versions = secrets.describeSecret(b -> b.secretId(secretId)).versionIdsToStages();
        versions.forEach(
                (versionId, stages) -> {
                    for (String stage : stages) {
                        String text =
                                secrets.getSecretValue(
                                                b -> b.secretId(secretId).versionId(versionId))
                                        .secretString();
                        try {
                            result.put(stage, JSON.readTree(text).get("apiKeyId").asLong());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        return result;
    }

    // ------------------------------------------------------------------ executions

    // ---------------------------------------------------------------- issue 16: check-in consumers

    /**
     * Adds a check-in consumer named {@code name} (maxAgeSeconds {@code maxAgeSeconds}) to the
     * account's registry, beside the consumers it lists, and a manual one named {@code manual} if
     * not null.
     */
    public void addToRegistry(Account account, String name, int maxAgeSeconds, String manual) {
        ObjectNode registry = JSON.createObjectNode();
        var list = registry.putArray("consumers");
        for (SimulatedConsumer c : account.consumers()) {
            list.addObject().put("name", c.name()).put("healthUrl", c.healthUrl().toString());
        }
        if (name != null) {
            list.addObject()
                    .put("name", name)
                    .put("contract", "check-in")
                    .put("maxAgeSeconds", maxAgeSeconds);
        }
        if (manual != null) {
            list.addObject().put("name", manual).put("contract", "manual");
        }
        String document = registry.toString();
        ssm.putParameter(
                b ->
                        b.name("/veryfi-key-rotation/consumers/" + account.secretId())
                                .type("String")
                                .value(document)
                                .overwrite(true));
    }

    /**
     * A DynamoDB client with credentials of its own, whose identity policy is the one the README
     * gives a consumer: PutItem on the check-in table, and only its own record
     * (dynamodb:LeadingKeys).
     */
    public software.amazon.awssdk.services.dynamodb.DynamoDbClient consumerClient(String record) {
        return clientAs(
                software.amazon.awssdk.services.dynamodb.DynamoDbClient::builder,
                "consumer-" + record.replaceAll("[^A-Za-z0-9-]", "-"),
                java.util.Set.of("dynamodb:PutItem"),
                record);
    }

    /**
     * An SDK client of the stack with long-lived credentials of {@code principal}, whose identity
     * policy allows only {@code actions}, on DynamoDB only the record {@code record}
     * (dynamodb:LeadingKeys). Closed with the harness.
     */
    public <
                    B extends
                            software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
                                    & software.amazon.awssdk.awscore.client.builder
                                                    .AwsSyncClientBuilder<
                                            B, C>,
                    C extends AutoCloseable>
            C clientAs(
                    java.util.function.Supplier<B> builder,
                    String principal,
                    java.util.Set<String> actions,
                    String record) {
        var key = stack.lambdaHost().credentials().issueLongLived(principal);
        stack.lambdaHost().identityPolicy(principal, actions);
        stack.lambdaHost().dynamoDbLeadingKeys(principal, "consumer", java.util.Set.of(record));
        C client =
                builder.get()
                        .endpointOverride(stack.endpoint())
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .httpClient(
                                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient
                                        .create())
                        .credentialsProvider(
                                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider
                                        .create(
                                                software.amazon.awssdk.auth.credentials
                                                        .AwsBasicCredentials.create(
                                                        key.accessKeyId(), key.secretAccessKey())))
                        .build();
        closeables.add(client);
        return client;
    }

    /**
     * Writes a check-in record as a consumer does: the key id it uses, whether its calls succeed,
     * dated {@code secondsAgo} before now.
     */
    public void checkIn(
            software.amazon.awssdk.services.dynamodb.DynamoDbClient client,
            String secretId,
            String consumer,
            long keyId,
            boolean healthy,
            long secondsAgo) {
        java.time.Instant at =
                java.time.Instant.now()
                        .minusSeconds(secondsAgo)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        client.putItem(
                r ->
                        r.tableName(stack.tableName("CheckInsTable"))
                                .item(
                                        checkInItem(
                                                secretId + "#" + consumer,
                                                "check-in",
                                                keyId,
                                                healthy,
                                                at,
                                                null)));
    }

    /** What {@code veryfi-keys confirm} writes, written as the stack's operator. */
    public void confirm(String secretId, String consumer, long keyId) {
        stack.dynamoDb()
                .putItem(
                        r ->
                                r.tableName(stack.tableName("CheckInsTable"))
                                        .item(
                                                checkInItem(
                                                        secretId + "#" + consumer,
                                                        "manual",
                                                        keyId,
                                                        true,
                                                        java.time.Instant.now()
                                                                .truncatedTo(
                                                                        java.time.temporal
                                                                                .ChronoUnit
                                                                                .SECONDS),
                                                        "arn:aws:sts::123456789012:assumed-role/ops/oncall")));
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>
            checkInItem(
                    String id,
                    String kind,
                    long keyId,
                    boolean healthy,
                    java.time.Instant at,
                    String by) {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                new LinkedHashMap<>();
        item.put(
                "consumer",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id));
        item.put("kind", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(kind));
        item.put(
                "keyId",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(
                        Long.toString(keyId)));
        item.put(
                "healthy",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(healthy));
        item.put(
                "at",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(at.toString()));
        if (by != null) {
            item.put("by", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(by));
        }
        item.put(
                "expiresAt",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(
                        Long.toString(at.plus(Duration.ofDays(1)).getEpochSecond())));
        return item;
    }

    /**
     * A worker without a health endpoint: every 300 ms it reads the account's AWSCURRENT and checks
     * in with that key id, with its own credentials, until the harness closes.
     */
    public void startCheckInWorker(Account account, String name) {
        var client = consumerClient(account.secretId() + "#" + name);
        var worker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        worker.scheduleWithFixedDelay(
                () -> {
                    try {
                        checkIn(
                                client,
                                account.secretId(),
                                name,
                                keyIdsByStage(account.secretId()).get("AWSCURRENT"),
                                true,
                                0);
                    } catch (RuntimeException e) {
                        // the next round tries again
                    }
                },
                0,
                300,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        closeables.add(worker::shutdownNow);
    }

    /**
     * Deletes a key at Veryfi by hand, with the account's AWSCURRENT key (the consumer library).
     */
    public void deleteAtVeryfi(Account account, long keyId) {
        try (var key =
                io.veryfikeys.consumer.VeryfiKey.forSecret(account.secretId())
                        .secretsManager(secrets)
                        .start()) {
            int status =
                    key.send("DELETE", "/api/v8/partner/client-keys/" + keyId, null).statusCode();
            if (status != 204) {
                throw new IllegalStateException("Veryfi answered " + status + " to the delete");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The rotation state machine's settings for Plan, as its definition hands them over. */
    public String rotationDeploySettings() {
        try {
            JsonNode definition =
                    JSON.readTree(
                            sfn.describeStateMachine(
                                            b ->
                                                    b.stateMachineArn(
                                                            stateMachine("RotationStateMachine")))
                                    .definition());
            return definition
                    .path("States")
                    .path("Plan")
                    .path("Parameters")
                    .path("deploySettings")
                    .toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public record Execution(
            String arn, ExecutionStatus status, List<HistoryEvent> history, String historyText) {
        public List<String> statesEntered() {
            return history.stream()
                    .filter(e -> e.stateEnteredEventDetails() != null)
                    .map(e -> e.stateEnteredEventDetails().name())
                    .toList();
        }

        public long stateTransitions() {
            return statesEntered().size();
        }
    }

    public String start(String secretId, Map<String, Object> overrides) {
        Map<String, Object> input = new LinkedHashMap<>(overrides);
        input.put("secretId", secretId);
        try {
            String body = JSON.writeValueAsString(input);
            return sfn.startExecution(
                            b ->
                                    b.stateMachineArn(stateMachine("RotationStateMachine"))
                                            .input(body))
                    .executionArn();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Execution run(String secretId, Map<String, Object> overrides, Duration timeout) {
        return await(start(secretId, overrides), timeout);
    }

    public Execution await(String executionArn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DescribeExecutionResponse description =
                    sfn.describeExecution(b -> b.executionArn(executionArn));
            if (description.status() != ExecutionStatus.RUNNING) {
                return execution(executionArn, description.status());
            }
            if (System.nanoTime() > deadline) {
                fail(
                        "execution still running after "
                                + timeout
                                + "; entered: "
                                + execution(executionArn, description.status()).statesEntered());
            }
            sleep(100);
        }
    }

    /** Waits until the execution has entered {@code state}. */
    public void awaitState(String executionArn, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (execution(executionArn, null).statesEntered().contains(state)) {
                return;
            }
            sleep(100);
        }
        fail("execution never entered " + state);
    }

    public JsonNode output(String executionArn) {
        try {
            return JSON.readTree(sfn.describeExecution(b -> b.executionArn(executionArn)).output());
        } catch (Exception e) {
            throw new IllegalStateException("execution output is not JSON", e);
        }
    }

    public Execution execution(String executionArn, ExecutionStatus status) {
        List<HistoryEvent> events = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000))
                .forEach(page -> events.addAll(page.events()));
        StringBuilder text = new StringBuilder();
        events.forEach(event -> collectStrings(event, text));
        return new Execution(executionArn, status, events, text.toString());
    }

    /**
     * Every string in an SDK model, recursively: toString would redact the sensitive ones we must
     * scan.
     */
    private static void collectStrings(Object value, StringBuilder out) {
        if (value instanceof SdkPojo pojo) {
            pojo.sdkFields().forEach(field -> collectStrings(field.getValueOrDefault(pojo), out));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(item -> collectStrings(item, out));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(item -> collectStrings(item, out));
        } else if (value != null) {
            out.append(value).append('\n');
        }
    }

    // ------------------------------------------------------------------ direct invocations

    /**
     * What the Lambda Invoke API answered: the payload, and the function error type if it threw.
     */
    public record Invoked(String payload, String functionError, long millis) {
        public JsonNode json() {
            return parse(payload);
        }

        public String errorType() {
            return functionError == null ? null : json().path("errorType").asText();
        }

        public String errorMessage() {
            return functionError == null ? null : json().path("errorMessage").asText();
        }
    }

    /** Invokes a function of the template through the Lambda Invoke API of the local stack. */
    public Invoked invoke(String function, String payload) {
        long started = System.nanoTime();
        LocalAwsStack.Invocation response = stack.invoke(function, payload);
        assertThat(response.status())
                .as("Invoke status of %s: %s", function, response.payload())
                .isEqualTo(200);
        return new Invoked(
                response.payload(),
                response.functionError(),
                (System.nanoTime() - started) / 1_000_000);
    }

    // ------------------------------------------------------------------ evidence

    /** Alerts published for this account, parsed. Drains the queue into a per-harness list. */
    private final List<JsonNode> alertLog = new ArrayList<>();

    private final List<JsonNode> keyRotatedLog = new ArrayList<>();

    public synchronized List<JsonNode> alertsFor(String secretId) {
        drain();
        return alertLog.stream().filter(a -> secretId.equals(a.path("account").asText())).toList();
    }

    private final List<JsonNode> lifecycleLog = new ArrayList<>();

    /** The lifecycle events of a successful rotation, in order (README: Lifecycle events). */
    public static final List<String> ROTATION_SUCCEEDED_EVENTS =
            List.of(
                    "Rotation Started",
                    "Key Created",
                    "Consumers Moved",
                    "Old Key Deleted",
                    "Rotation Succeeded");

    /**
     * The lifecycle events about {@code secretId} (its {@code detail.account}), in arrival order.
     */
    public synchronized List<JsonNode> lifecycleFor(String secretId) {
        lifecycleLog.addAll(lifecycle.events());
        return lifecycleLog.stream()
                .filter(e -> secretId.equals(e.path("detail").path("account").asText()))
                .toList();
    }

    /**
     * Waits until a lifecycle event of {@code detailType} about {@code secretId} has arrived and
     * returns all of the account's events so far.
     */
    public List<JsonNode> awaitLifecycle(String secretId, String detailType, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> events = lifecycleFor(secretId);
            if (events.stream().anyMatch(e -> detailType.equals(e.path("detail-type").asText()))) {
                return events;
            }
            if (System.nanoTime() > deadline) {
                return fail(
                        "no "
                                + detailType
                                + " event for "
                                + secretId
                                + "; got "
                                + events.stream()
                                        .map(e -> e.path("detail-type").asText())
                                        .toList());
            }
            sleep(100);
        }
    }

    public synchronized List<JsonNode> keyRotatedFor(String secretId) {
        drain();
        return keyRotatedLog.stream()
                .filter(a -> secretId.equals(a.path("secretId").asText()))
                .toList();
    }

    public JsonNode awaitAlert(String secretId, String result, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode alert : alertsFor(secretId)) {
                if (result.equals(alert.path("result").asText())) {
                    return alert;
                }
            }
            sleep(100);
        }
        return fail(
                "no "
                        + result
                        + " alert for "
                        + secretId
                        + "; got "
                        + alertsFor(secretId).stream()
                                .map(a -> a.path("result").asText())
                                .toList());
    }

    private synchronized void drain() {
        for (String message : alerts.messages()) {
            alertLog.add(parse(message));
        }
        for (String message : keyRotated.messages()) {
            keyRotatedLog.add(parse(message));
        }
    }

    public synchronized List<String> allMessages() {
        drain();
        List<String> all = new ArrayList<>();
        alertLog.forEach(a -> all.add(a.toString()));
        keyRotatedLog.forEach(a -> all.add(a.toString()));
        // read only here and in lifecycleFor: the alert polls (every 100 ms, from many threads in
        // the fault matrix) need not drain a third queue
        lifecycleLog.addAll(lifecycle.events());
        lifecycleLog.forEach(a -> all.add(a.toString()));
        return all;
    }

    /** Rotation's own Veryfi calls for the account (consumers call another endpoint). */
    public List<String> keyApiCalls(String clientId) {
        return veryfi.requests().stream()
                .filter(
                        r ->
                                clientId.equals(r.clientId())
                                        && r.path().startsWith("/api/v8/partner/client-keys"))
                .map(r -> r.method() + " " + r.path() + " " + r.status())
                .collect(Collectors.toList());
    }

    /**
     * No key value the simulator ever issued appears in the execution histories, the SNS messages,
     * the lifecycle events, or the captured logs. A failure names where and which key id, never the
     * value.
     */
    public void assertNoKeyLeaked(Collection<Execution> executions) {
        List<String> values = veryfi.issuedKeyValues();
        assertThat(values).isNotEmpty();
        Map<String, String> haystacks = new LinkedHashMap<>();
        executions.forEach(e -> haystacks.put("history of " + e.arn(), e.historyText()));
        haystacks.put("SNS messages and lifecycle events", String.join("\n", allMessages()));
        haystacks.put("captured logs", capturedLogs());
        for (var haystack : haystacks.entrySet()) {
            for (int i = 0; i < values.size(); i++) {
                if (haystack.getValue().contains(values.get(i))) {
                    fail("issued key #" + i + " appears in " + haystack.getKey());
                }
            }
        }
    }

    private static JsonNode parse(String message) {
        try {
            return JSON.readTree(message);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: an SNS message of ours must be JSON", e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** From now on, consumers started belong to the running test method ({@link #endTest}). */
    public void beginTest() {
        testConsumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    /**
     * Stops the consumers the test method started (those of accounts made in {@code @BeforeAll}
     * live on for the class): see {@link #retire}.
     */
    public void endTest() {
        List<SimulatedConsumer> ofTest = testConsumers;
        testConsumers = null;
        if (ofTest != null) {
            stop(ofTest);
        }
    }

    /**
     * Stops the account's consumers: a test that is done with an account calls this, since each
     * consumer reads AWSCURRENT from moto and calls the simulator ten times a second until stopped,
     * and a class that leaves dozens running makes every later step of the class slower.
     */
    public void retire(Account account) {
        stop(account.consumers());
    }

    private void stop(List<SimulatedConsumer> stopping) {
        for (SimulatedConsumer consumer : stopping) {
            consumer.close();
            consumers.remove(consumer);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: a worker or client of a finished test
            }
        }
        consumers.forEach(SimulatedConsumer::close);
        veryfi.close();
        // Every harness subscribed its own queues to the topics and a rule to the events: left
        // behind, moto delivered each later alert and event to every class's queue, and the suite's
        // last classes paid for all the earlier ones (the fault matrix took a fifth longer at the
        // end of the suite than in fifth place).
        for (AutoCloseable capture : List.<AutoCloseable>of(alerts, keyRotated, lifecycle)) {
            try {
                capture.close();
            } catch (Exception e) {
                // best effort: the stack ends with the run anyway
            }
        }
        // The stack (moto) outlives this harness: every plan reads all the secrets under the
        // prefix, so leaving each test class's accounts behind would make later classes slower and
        // slower.
        for (String secretId : createdSecrets) {
            try {
                secrets.deleteSecret(b -> b.secretId(secretId).forceDeleteWithoutRecovery(true));
                ssm.deleteParameter(b -> b.name("/veryfi-key-rotation/consumers/" + secretId));
            } catch (RuntimeException e) {
                // already gone, or never registered
            }
        }
    }
}
