package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.simulator.SimulatedConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident reset, invoked through the Lambda Invoke API as a responder would, on the local
 * stack.
 */
class ResetTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        harness.stack.lambdaHost().clearAwsFaults();
        harness.assertNoKeyLeaked(executions);
    }

    private static String request(String secretId, String reason, String confirm, String token) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("secretId", secretId);
        body.put("reason", reason);
        body.put("confirm", confirm);
        body.put("idempotencyToken", token);
        body.put("requestedBy", "on-call test");
        try {
            return JSON.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long resetCalls(String clientId) {
        return harness.keyApiCalls(clientId).stream()
                .filter(c -> c.startsWith("POST /api/v8/partner/client-keys/reset"))
                .count();
    }

    @Test
    void resetLeavesOneNewLiveKeyStoredAsCurrentAndStopsTheRunningRotation() {
        RotationHarness.Account account = harness.account(2, Duration.ofSeconds(30));
        SimulatedConsumer.Credentials before =
                harness.credentials(account.secretId(), "AWSCURRENT");
        String rotation = harness.start(account.secretId(), RotationScenariosTest.FAST);
        harness.awaitState(rotation, "WaitBeforeNextPoll");
        SimulatedConsumer.Credentials promoted =
                harness.credentials(account.secretId(), "AWSCURRENT");
        assertThat(promoted.keyId()).isNotEqualTo(before.keyId());

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        request(
                                account.secretId(),
                                "key pasted in ticket OPS-1",
                                account.secretId(),
                                "ops-" + UUID.randomUUID()));

        assertThat(result.functionError()).as(result.payload()).isNull();
        long newKeyId = result.json().path("newKeyId").asLong();
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(newKeyId);
        assertThat(harness.veryfi.isLive(account.clientId(), before.apiKey())).isFalse();
        assertThat(harness.veryfi.isLive(account.clientId(), promoted.apiKey())).isFalse();
        SimulatedConsumer.Credentials after = harness.credentials(account.secretId(), "AWSCURRENT");
        assertThat(after.keyId()).isEqualTo(newKeyId);
        assertThat(harness.veryfi.isLive(account.clientId(), after.apiKey())).isTrue();
        assertThat(harness.keyIdsByStage(account.secretId())).doesNotContainKey("AWSPENDING");

        RotationHarness.Execution stopped = harness.await(rotation, RotationScenariosTest.TIMEOUT);
        executions.add(stopped);
        assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        JsonNode alert = harness.awaitAlert(account.secretId(), "RESET", Duration.ofSeconds(10));
        assertThat(alert.path("reason").asText()).isEqualTo("key pasted in ticket OPS-1");
        assertThat(alert.path("requestedBy").asText()).isEqualTo("on-call test");
        assertThat(alert.path("newKeyId").asLong()).isEqualTo(newKeyId);
        assertThat(alert.path("stoppedExecutions").toString()).contains(rotation);
        assertThat(alert.path("time").asText()).isNotEmpty();
        assertThat(harness.keyRotatedFor(account.secretId()))
                .anySatisfy(
                        event -> {
                            assertThat(event.path("keyId").asLong()).isEqualTo(newKeyId);
                            assertThat(event.path("reason").asText()).isEqualTo("reset");
                        });
        // Consumers recover by refetching AWSCURRENT (as soon as they do: here, at once).
        account.consumers().forEach(c -> c.lag(Duration.ZERO));
        RotationHarness.awaitConsumersUsing(account.consumers(), newKeyId, Duration.ofSeconds(10));
        assertThat(account.consumers())
                .allSatisfy(c -> assertThat(c.keyIdInUse()).isEqualTo(newKeyId));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "missing confirm | leaked       | NULL          | confirm must repeat",
                "wrong confirm   | leaked       | veryfi/other  | confirm must repeat",
                "empty reason    | '   '        | SAME          | reason is required",
                "missing reason  | NULL         | SAME          | reason is required"
            })
    void refusesWithoutConfirmationOrReasonAndNeverCallsVeryfi(
            String name, String reason, String confirm, String message) {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        Map<String, Long> stagesBefore = harness.keyIdsByStage(account.secretId());

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        request(
                                account.secretId(),
                                reason,
                                "SAME".equals(confirm) ? account.secretId() : confirm,
                                null));

        assertThat(result.errorType()).isEqualTo("io.veryfikeys.support.InvalidInputException");
        assertThat(result.errorMessage()).contains(message);
        assertThat(resetCalls(account.clientId())).isZero();
        assertThat(harness.keyApiCalls(account.clientId())).isEmpty();
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
        assertThat(harness.keyIdsByStage(account.secretId())).isEqualTo(stagesBefore);
    }

    @Test
    void theSameRequestRetriedNeverResetsTwice() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        String request =
                request(
                        account.secretId(),
                        "drill",
                        account.secretId(),
                        "drill-" + UUID.randomUUID());

        RotationHarness.Invoked first = harness.invoke("ResetFunction", request);
        RotationHarness.Invoked second = harness.invoke("ResetFunction", request);

        assertThat(first.functionError()).isNull();
        assertThat(second.functionError()).isNull();
        assertThat(second.json().path("newKeyId")).isEqualTo(first.json().path("newKeyId"));
        assertThat(second.json().path("alreadyDone").asBoolean()).isTrue();
        assertThat(resetCalls(account.clientId())).isEqualTo(1);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(first.json().path("newKeyId").asLong());
    }

    @Test
    void secretsManagerFailingTheFirstAttemptsStillStoresTheNewKey() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.stack
                .lambdaHost()
                .injectAwsFault("secretsmanager.PutSecretValue", 500, "InternalServiceError", 6);

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        request(
                                account.secretId(),
                                "drill",
                                account.secretId(),
                                "sm-" + UUID.randomUUID()));

        assertThat(result.functionError()).as(result.payload()).isNull();
        SimulatedConsumer.Credentials stored =
                harness.credentials(account.secretId(), "AWSCURRENT");
        assertThat(stored.keyId()).isEqualTo(result.json().path("newKeyId").asLong());
        assertThat(harness.veryfi.isLive(account.clientId(), stored.apiKey())).isTrue();
        assertThat(harness.capturedLogs()).contains("reset.store_failed");
    }

    @Test
    void secretsManagerFailingForGoodRaisesTheLockOutAlertWithoutTheValue() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.stack
                .lambdaHost()
                .injectAwsFault("secretsmanager.PutSecretValue", 500, "InternalServiceError", -1);

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        request(
                                account.secretId(),
                                "drill",
                                account.secretId(),
                                "lock-" + UUID.randomUUID()));

        assertThat(result.errorType()).isEqualTo("io.veryfikeys.reset.SecretWriteFailedException");
        assertThat(result.errorMessage()).contains("locked out");
        JsonNode alert =
                harness.awaitAlert(account.secretId(), "LOCKED_OUT", Duration.ofSeconds(10));
        assertThat(alert.path("summary").asText()).contains("Veryfi portal");
        assertThat(
                        harness.veryfi.isLive(
                                account.clientId(),
                                harness.credentials(account.secretId(), "AWSCURRENT").apiKey()))
                .isFalse();
        // The leak scan in cleanUp covers the lost value: it is in no log, message or payload.
    }

    /**
     * The store loop stops while there is still time to raise the alert. With the production retry
     * delays (500 ms doubling; here 2 s doubling, so that the test reaches the deadline sooner) the
     * loop would run for minutes; Lambda would stop the function at its timeout, and nobody would
     * hear that the account is locked out. Before the loop asked the invocation's deadline, this
     * test saw a timeout and no alert.
     */
    @Test
    void theStoreLoopStopsInTimeToRaiseTheLockOutAlertBeforeTheTimeout() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.stateMachine(
                "RotationStateMachine"); // the reset stops its running executions first
        var host = harness.stack.lambdaHost();
        host.environmentOverride("STORE_RETRY_BASE_MILLIS", "2000");
        int timeout =
                host.overrideTimeout(
                        "ResetFunction", 45); // 15 s for retries before the 30 s reserve
        try {
            host.injectAwsFault("secretsmanager.PutSecretValue", 500, "InternalServiceError", -1);
            RotationHarness.Invoked result =
                    harness.invoke(
                            "ResetFunction",
                            request(
                                    account.secretId(),
                                    "drill",
                                    account.secretId(),
                                    "deadline-" + UUID.randomUUID()));

            assertThat(result.errorType())
                    .as(result.payload())
                    .isEqualTo("io.veryfikeys.reset.SecretWriteFailedException");
            assertThat(result.millis()).isLessThan(45_000 - 2_000);
            JsonNode alert =
                    harness.awaitAlert(account.secretId(), "LOCKED_OUT", Duration.ofSeconds(10));
            // 2 s, 4 s, 8 s... between attempts: the deadline leaves room for one to three of the
            // eight
            assertThat(alert.path("summary").asText()).containsPattern("after [1-3] attempts");
        } finally {
            host.clearAwsFaults();
            host.overrideTimeout("ResetFunction", timeout);
            host.environmentOverride(
                    "STORE_RETRY_BASE_MILLIS",
                    RotationHarness.TUNING.get("STORE_RETRY_BASE_MILLIS"));
        }
    }

    @Test
    void resetLatencyFigures() {
        List<Long> millis = new ArrayList<>();
        boolean firstInJvm = harness.stack.lambdaHost().invocationCount("ResetFunction") == 0;
        for (int i = 0; i < 5; i++) {
            RotationHarness.Account account = harness.account(0, Duration.ZERO);
            if (i == 1) {
                harness.stack.lambdaHost().coldStart("ResetFunction");
            }
            RotationHarness.Invoked result =
                    harness.invoke(
                            "ResetFunction",
                            request(
                                    account.secretId(),
                                    "latency",
                                    account.secretId(),
                                    "lat-" + UUID.randomUUID()));
            assertThat(result.functionError()).isNull();
            millis.add(result.millis());
        }
        List<Long> warm = millis.subList(2, 5).stream().sorted().toList();
        System.out.printf(
                "FIGURES reset latency (invoke -> secret stored -> alert published): first %d ms%s, "
                        + "new handler instance %d ms, warm median %d ms (runs %s)%n",
                millis.get(0),
                firstInJvm ? " (first reset in this JVM)" : "",
                millis.get(1),
                warm.get(1),
                millis);
    }
}
