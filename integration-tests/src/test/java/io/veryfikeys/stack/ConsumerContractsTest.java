package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16: the three consumer contracts on the local stack (real ASL, the handlers in their
 * sandboxes, the check-in table in moto, the local IAM's dynamodb:LeadingKeys condition). A
 * check-in consumer here is a worker that reads AWSCURRENT and writes its own record with its own
 * credentials, as the consumer library does; a manual consumer is confirmed by an operator through
 * ConfirmFunction, the console path (the CLI's {@code confirm} writes the same record, tested in
 * the CLI's suite).
 */
class ConsumerContractsTest extends LocalStackTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, Object> FAST = RotationHarness.settings(1, 1, 30, 0);
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static String table;
    private final List<RotationHarness.Execution> executions = new ArrayList<>();
    private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(2);

    @BeforeAll
    static void table() {
        table = stack.tableName("CheckInsTable");
    }

    @AfterEach
    void noKeyValueLeaked() {
        workers.shutdownNow();
        harness.assertNoKeyLeaked(executions);
    }

    @Test
    void aConsumerOfEachKindMovesAndTheHistorySaysHowEachWasVerified() {
        RotationHarness.Account account = harness.account(1, Duration.ofMillis(200));
        String worker = "invoice-worker";
        String partner = "acme-partner";
        harness.addToRegistry(account, worker, 300, partner);
        // The worker follows AWSCURRENT and checks in every 300 ms with the key id it uses.
        harness.startCheckInWorker(account, worker);

        String arn = harness.start(account.secretId(), FAST);
        // The partner is confirmed late: only once the rotation waits for consumers, and a few
        // polls after that.
        harness.awaitPolls(arn, 3, TIMEOUT);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .as("waiting for the partner, nothing is deleted")
                .hasSize(2);
        long newKeyId = harness.keyIdsByStage(account.secretId()).get("AWSCURRENT");
        // The console path: ConfirmFunction in its own sandbox, as the Lambda console's Test tab
        // invokes it (events/confirm.json). It refuses, writing nothing, a consumer that proves
        // its key itself and one the registry does not list.
        RotationHarness.Invoked notManual =
                harness.invoke("ConfirmFunction", confirmation(account, worker, newKeyId));
        assertThat(notManual.functionError()).isNotNull();
        assertThat(notManual.json().path("errorMessage").asText())
                .contains(worker + " of " + account.secretId() + " has contract check-in")
                .endsWith("Nothing was written.");
        assertThat(item(account.secretId() + "#" + worker).get("kind").s())
                .as("the worker's own record stays a check-in")
                .isEqualTo("check-in");
        RotationHarness.Invoked unknown =
                harness.invoke("ConfirmFunction", confirmation(account, "acme-partnr", newKeyId));
        assertThat(unknown.json().path("errorMessage").asText())
                .contains("no consumer acme-partnr in the registry of " + account.secretId());
        assertThat(item(account.secretId() + "#acme-partnr")).isEmpty();

        RotationHarness.Invoked confirmed =
                harness.invoke("ConfirmFunction", confirmation(account, partner, newKeyId));
        assertThat(confirmed.functionError()).as(confirmed.payload()).isNull();
        assertThat(confirmed.json().path("confirmedBy").asText())
                .startsWith("oncall@example.com (Lambda request ");
        RotationHarness.Execution execution = harness.await(arn, TIMEOUT);
        executions.add(execution);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(newKeyId);
        assertThat(execution.historyText())
                .contains(account.consumer(0).name() + ": health endpoint")
                .contains(worker + ": check-in at ")
                .contains(partner + ": confirmed by oncall@example.com (Lambda request ");
        // ...and the run's alert says it too.
        assertThat(
                        harness.awaitAlert(account.secretId(), "SUCCEEDED", Duration.ofSeconds(10))
                                .path("consumersVerified")
                                .toString())
                .contains(worker + ": check-in at ")
                .contains(partner + ": confirmed by oncall@example.com (Lambda request ");
        assertThat(account.consumer(0).rejectedCalls()).isZero();
    }

    @Test
    void aStaleCheckInCountsAsNotMovedAndTheOldKeyIsKept() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        String worker = "nightly-batch";
        harness.addToRegistry(account, worker, 300, null);
        DynamoDbClient workerClient = harness.consumerClient(account.secretId() + "#" + worker);
        // It did check in with whatever key is current, but 10 minutes ago: maxAgeSeconds is 300.
        workers.scheduleWithFixedDelay(
                () ->
                        harness.checkIn(
                                workerClient,
                                account.secretId(),
                                worker,
                                harness.keyIdsByStage(account.secretId()).get("AWSCURRENT"),
                                true,
                                600),
                0,
                300,
                TimeUnit.MILLISECONDS);

        RotationHarness.Execution execution =
                harness.run(account.secretId(), RotationHarness.settings(1, 1, 4, 0), TIMEOUT);
        executions.add(execution);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("ReportConsumersLagging")
                .doesNotContain("DeleteOldKey");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(2)
                .contains(account.initialKeyId());
        JsonNode alert =
                harness.awaitAlert(account.secretId(), "CONSUMERS_LAGGING", Duration.ofSeconds(10));
        assertThat(alert.path("consumersLagging").toString()).contains(worker);
    }

    @Test
    void aConsumerCannotCheckInForAnotherAndNothingIsWritten() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.addToRegistry(account, "worker-a", 300, null);
        DynamoDbClient a = harness.consumerClient(account.secretId() + "#worker-a");

        harness.checkIn(a, account.secretId(), "worker-a", account.initialKeyId(), true, 0);
        assertThatThrownBy(
                        () ->
                                harness.checkIn(
                                        a,
                                        account.secretId(),
                                        "worker-b",
                                        account.initialKeyId(),
                                        true,
                                        0))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("not authorized to perform: dynamodb:PutItem");
        assertThatThrownBy(
                        () ->
                                a.getItem(
                                        r ->
                                                r.tableName(table)
                                                        .key(
                                                                key(
                                                                        account.secretId()
                                                                                + "#worker-b"))))
                .as("nor read another's record: the policy allows PutItem alone")
                .isInstanceOf(DynamoDbException.class);
        assertThat(
                        stack.dynamoDb()
                                .getItem(
                                        r ->
                                                r.tableName(table)
                                                        .key(key(account.secretId() + "#worker-b")))
                                .hasItem())
                .isFalse();
        assertThat(
                        stack.dynamoDb()
                                .getItem(
                                        r ->
                                                r.tableName(table)
                                                        .key(key(account.secretId() + "#worker-a")))
                                .hasItem())
                .isTrue();
    }

    /**
     * The consumer library as a check-in worker: it reads AWSCURRENT and checks in with its own
     * credentials (GetSecretValue, and PutItem on its own record only), calls Veryfi all through
     * the rotation, and no call is rejected.
     */
    @Test
    void theConsumerLibraryChecksInAndNoCallIsRejected() throws Exception {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.addToRegistry(account, "library-worker", 300, null);
        var secrets =
                harness.clientAs(
                        software.amazon.awssdk.services.secretsmanager.SecretsManagerClient
                                ::builder,
                        "library-worker-" + account.clientId(),
                        Set.of("secretsmanager:GetSecretValue", "dynamodb:PutItem"),
                        account.secretId() + "#library-worker");
        java.util.concurrent.atomic.AtomicInteger calls =
                new java.util.concurrent.atomic.AtomicInteger();
        List<Integer> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.veryfikeys.consumer.VeryfiKey library =
                io.veryfikeys.consumer.VeryfiKey.forSecret(account.secretId())
                        .secretsManager(secrets)
                        .refreshEvery(Duration.ofMillis(500))
                        .checkIn("library-worker", table)
                        .checkInEndpoint(stack.endpoint())
                        .start()) {
            workers.scheduleWithFixedDelay(
                    () -> {
                        try {
                            int status =
                                    library.send("GET", "/api/v8/partner/client-keys", null)
                                            .statusCode();
                            calls.incrementAndGet();
                            if (status != 200) refused.add(status);
                        } catch (Exception e) {
                            refused.add(-1);
                            failures.add(e.toString());
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);

            RotationHarness.Execution execution = harness.run(account.secretId(), FAST, TIMEOUT);
            executions.add(execution);
            Thread.sleep(500); // calls after the old key's deletion too
            // Not shutdownNow: it interrupts a call in flight, which then counted as refused (-1),
            // failing the test once in CI for a call Veryfi never refused. shutdown() lets that
            // call end and schedules no more.
            workers.shutdown();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            long newKeyId = harness.keyIdsByStage(account.secretId()).get("AWSCURRENT");
            assertThat(library.current().keyId()).isEqualTo(newKeyId);
            assertThat(execution.historyText()).contains("library-worker: check-in at ");
            assertThat(calls.get()).isPositive();
            assertThat(refused).as("business calls Veryfi refused " + failures).isEmpty();
        }
    }

    private static String confirmation(
            RotationHarness.Account account, String consumer, long keyId) {
        return "{\"secretId\":\""
                + account.secretId()
                + "\",\"consumer\":\""
                + consumer
                + "\",\"keyId\":"
                + keyId
                + ",\"confirmedBy\":\"oncall@example.com\"}";
    }

    private static Map<String, AttributeValue> item(String id) {
        return stack.dynamoDb().getItem(r -> r.tableName(table).key(key(id))).item();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("consumer", AttributeValue.fromS(id));
    }
}
