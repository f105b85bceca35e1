package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LambdaHost;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rotation protocol end to end: the real state machine definition executed by moto, the real
 * handlers through the Lambda host, the Veryfi simulator, and consumers that really call Veryfi
 * with the key they hold. Every scenario ends with the leak scan, and every consumer's
 * rejected-call count proves nobody was locked out.
 */
class RotationScenariosTest extends LocalStackTest {
    /** Fast settings: poll every second, two healthy polls in a row, no grace period. */
    static final Map<String, Object> FAST = RotationHarness.settings(1, 2, 30, 0);

    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void noKeyValueLeaked() {
        harness.assertNoKeyLeaked(executions);
    }

    private RotationHarness.Execution run(
            RotationHarness.Account account, Map<String, Object> settings) {
        RotationHarness.Execution execution = harness.run(account.secretId(), settings, TIMEOUT);
        executions.add(execution);
        return execution;
    }

    private static void assertNobodyLockedOut(RotationHarness.Account account) {
        for (SimulatedConsumer consumer : account.consumers()) {
            assertThat(consumer.rejectedCalls())
                    .as("calls of %s rejected by Veryfi", consumer.name())
                    .isZero();
            assertThat(consumer.acceptedCalls())
                    .as("calls of %s accepted", consumer.name())
                    .isPositive();
        }
    }

    @Test
    void happyPathEndsWithExactlyTheNewKeyAndEveryConsumerOnIt() {
        RotationHarness.Account account = harness.account(3, Duration.ofMillis(300));
        long started = System.nanoTime();

        RotationHarness.Execution execution = run(account, FAST);

        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        assertThat(live).hasSize(1).doesNotContain(account.initialKeyId());
        long newKeyId = live.get(0);
        Map<String, Long> stages = harness.keyIdsByStage(account.secretId());
        assertThat(stages)
                .containsEntry("AWSCURRENT", newKeyId)
                .containsEntry("AWSPREVIOUS", account.initialKeyId())
                .doesNotContainKey("AWSPENDING");
        assertThat(account.consumers())
                .allSatisfy(c -> assertThat(c.keyIdInUse()).isEqualTo(newKeyId));
        assertNobodyLockedOut(account);

        JsonNode report =
                harness.awaitAlert(account.secretId(), "SUCCEEDED", Duration.ofSeconds(10));
        assertThat(report.path("newKeyId").asLong()).isEqualTo(newKeyId);
        assertThat(report.path("oldKeyId").asLong()).isEqualTo(account.initialKeyId());
        assertThat(report.path("executionId").asText()).isEqualTo(execution.arn());
        assertThat(harness.keyRotatedFor(account.secretId()))
                .singleElement()
                .satisfies(event -> assertThat(event.path("keyId").asLong()).isEqualTo(newKeyId));

        System.out.printf(
                "FIGURES happy path: %d Veryfi key-API calls %s, %d state transitions %s, wall %d ms%n",
                harness.keyApiCalls(account.clientId()).size(),
                harness.keyApiCalls(account.clientId()),
                execution.stateTransitions(),
                execution.statesEntered(),
                wallMillis);
    }

    @Test
    void aSuccessfulRotationWithoutPollIterationsStaysWithinBudget() {
        // No consumers: the first poll is already the last, whatever the timing of consumers'
        // refresh.
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.veryfi.clearRequests();

        RotationHarness.Execution execution = run(account, RotationHarness.settings(1, 1, 30, 0));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered())
                .containsExactly(
                        "Plan",
                        "RouteByPlan",
                        "CreateKey",
                        "VerifyNewKey",
                        "Promote",
                        "PollConsumers",
                        "CheckConsumers",
                        "GracePeriod",
                        "DeleteOldKey",
                        "ReportSuccess",
                        "Rotated");
        assertThat(harness.keyApiCalls(account.clientId()))
                .containsExactly(
                        "GET /api/v8/partner/client-keys 200",
                        "POST /api/v8/partner/client-keys 201",
                        "GET /api/v8/partner/client-keys 200",
                        "DELETE /api/v8/partner/client-keys/" + account.initialKeyId() + " 204");
    }

    @Test
    void anUnusedPreviousKeyIsRemovedAndTheRotationProceeds() {
        RotationHarness.Account account = harness.account(2, Duration.ZERO);
        // An earlier rotation left its old key live as AWSPREVIOUS; every consumer is on
        // AWSCURRENT.
        SimulatedKey current = harness.veryfi.addKey(account.clientId());
        String secretString =
                harness.secrets
                        .getSecretValue(b -> b.secretId(account.secretId()))
                        .secretString()
                        .replaceAll(
                                "\"apiKey\":\"[^\"]+\"", "\"apiKey\":\"" + current.value() + "\"")
                        .replaceAll("\"apiKeyId\":\\d+", "\"apiKeyId\":" + current.id());
        harness.secrets.putSecretValue(
                b -> b.secretId(account.secretId()).secretString(secretString));
        RotationHarness.awaitConsumersUsing(
                account.consumers(), current.id(), Duration.ofSeconds(10));
        assertThat(account.consumers())
                .allSatisfy(c -> assertThat(c.keyIdInUse()).isEqualTo(current.id()));

        RotationHarness.Execution execution = run(account, FAST);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        assertThat(live).hasSize(1).doesNotContain(account.initialKeyId(), current.id());
        assertThat(harness.keyIdsByStage(account.secretId()))
                .containsEntry("AWSCURRENT", live.get(0));
        assertNobodyLockedOut(account);
    }

    @Test
    void anUnknownSecondKeyBlocksWithAnAlertAndChangesNothing() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        SimulatedKey unknown = harness.veryfi.addKey(account.clientId());
        Map<String, Long> stagesBefore = harness.keyIdsByStage(account.secretId());

        RotationHarness.Execution execution = run(account, FAST);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("ReportBlocked", "Blocked")
                .doesNotContain("CreateKey");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId(), unknown.id());
        assertThat(harness.keyIdsByStage(account.secretId())).isEqualTo(stagesBefore);
        JsonNode alert = harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(10));
        assertThat(alert.path("reason").asText())
                .contains(String.valueOf(unknown.id()))
                .contains("refusing to guess");
    }

    @Test
    void slowConsumersAreWaitedFor() {
        RotationHarness.Account account = harness.account(2, Duration.ofSeconds(3));

        RotationHarness.Execution execution = run(account, FAST);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered().stream().filter("WaitBeforeNextPoll"::equals).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(1)
                .doesNotContain(account.initialKeyId());
        assertNobodyLockedOut(account);
    }

    @Test
    void aConsumerThatNeverMigratesTimesOutAndTheOldKeyStaysLive() {
        RotationHarness.Account account = harness.account(2, Duration.ZERO);
        account.consumer(1).freeze();

        RotationHarness.Execution execution = run(account, RotationHarness.settings(1, 2, 4, 0));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("ReportConsumersLagging")
                .doesNotContain("DeleteOldKey");
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        assertThat(live).hasSize(2).contains(account.initialKeyId());
        JsonNode alert =
                harness.awaitAlert(account.secretId(), "CONSUMERS_LAGGING", Duration.ofSeconds(10));
        assertThat(alert.path("consumersLagging").toString())
                .contains(account.consumer(1).name())
                .doesNotContain(account.consumer(0).name());
        assertThat(alert.path("summary").asText()).contains("NOT deleted");
        assertNobodyLockedOut(account);
    }

    @Test
    void aConsumerUnhealthyOnTheNewKeyRevertsTheRotation() {
        RotationHarness.Account account = harness.account(2, Duration.ofMillis(200));
        long oldKey = account.initialKeyId();
        account.consumer(0).unhealthyWhenUsing(id -> id != oldKey);

        RotationHarness.Execution execution = run(account, FAST);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("RevertPromotion", "DiscardRevertedKey", "ReportReverted")
                .doesNotContain("DeleteOldKey");
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(oldKey);
        assertThat(harness.keyIdsByStage(account.secretId())).containsEntry("AWSCURRENT", oldKey);
        harness.awaitAlert(account.secretId(), "REVERTED", Duration.ofSeconds(10));
        assertNobodyLockedOut(account);
    }

    @Test
    void aNewKeyRejectedOnVerificationIsDeletedAndTheOldKeyUntouched() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        harness.veryfi.rejectNewKeys(account.clientId(), true);

        RotationHarness.Execution execution = run(account, FAST);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("DiscardRejectedKey", "ReportNewKeyRejected")
                .doesNotContain("Promote");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
        Map<String, Long> stages = harness.keyIdsByStage(account.secretId());
        assertThat(stages)
                .containsEntry("AWSCURRENT", account.initialKeyId())
                .doesNotContainKey("AWSPENDING");
        harness.awaitAlert(account.secretId(), "NEW_KEY_REJECTED", Duration.ofSeconds(10));
        assertNobodyLockedOut(account);
    }

    @Test
    void rateLimitsAndServerErrorsAtEveryStepAreRetriedAndTheRotationCompletes() {
        RotationHarness.Account account = harness.account(2, Duration.ZERO);
        // More failures in a row than the client absorbs on its own, so the state machine's Retry
        // works too.
        harness.veryfi.inject(
                Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(1))
                        .times(2)
                        .forAccount(account.clientId()));
        harness.veryfi.inject(
                Fault.serverError(Endpoint.CREATE, 503).times(5).forAccount(account.clientId()));
        harness.veryfi.inject(
                Fault.serverError(Endpoint.DELETE, 500).times(5).forAccount(account.clientId()));
        harness.veryfi.inject(
                Fault.rateLimit(Endpoint.DELETE, Duration.ofSeconds(1))
                        .times(1)
                        .forAccount(account.clientId()));

        RotationHarness.Execution execution = run(account, RotationHarness.settings(1, 1, 30, 0));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(1)
                .doesNotContain(account.initialKeyId());
        assertThat(harness.keyApiCalls(account.clientId()))
                .anyMatch(call -> call.endsWith(" 503"))
                .anyMatch(call -> call.endsWith(" 429"))
                .anyMatch(call -> call.endsWith(" 500"));
        assertThat(harness.veryfi.faults()).isEmpty();
        assertNobodyLockedOut(account);
    }

    @Test
    void anExecutionStoppedAfterCreateConvergesOnReRun() {
        RotationHarness.Account account = harness.account(2, Duration.ZERO);
        // Stop the execution at the moment its VerifyNewKey task is invoked: Create is done,
        // Promote never runs.
        AtomicReference<String> first = new AtomicReference<>();
        Pattern ofThisAccount =
                Pattern.compile(
                        "\"secretId\"\\s*:\\s*\"" + Pattern.quote(account.secretId()) + "\"");
        LambdaHost.InvocationListener stopAtVerify =
                (function, payload) -> {
                    if (function.equals("VerifyNewKeyFunction")
                            && ofThisAccount
                                    .matcher(new String(payload, StandardCharsets.UTF_8))
                                    .find()) {
                        harness.sfn.stopExecution(
                                b ->
                                        b.executionArn(first.get())
                                                .cause("test: stopped after Create"));
                    }
                };
        harness.stack.lambdaHost().addInvocationListener(stopAtVerify);
        try {
            first.set(harness.start(account.secretId(), FAST));
            RotationHarness.Execution stopped = harness.await(first.get(), TIMEOUT);
            executions.add(stopped);
            assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        } finally {
            harness.stack.lambdaHost().removeInvocationListener(stopAtVerify);
        }
        assertThat(harness.keyIdsByStage(account.secretId())).containsKey("AWSPENDING");
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).hasSize(2);

        RotationHarness.Execution second = run(account, FAST);

        assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        assertThat(live).hasSize(1);
        assertThat(harness.keyIdsByStage(account.secretId()))
                .containsEntry("AWSCURRENT", live.get(0))
                .doesNotContainKey("AWSPENDING");
        // The re-run reused the pending key instead of making a third.
        assertThat(
                        harness.keyApiCalls(account.clientId()).stream()
                                .filter(c -> c.startsWith("POST /api/v8/partner/client-keys 201")))
                .hasSize(1);
        assertNobodyLockedOut(account);
    }

    @Test
    void anExecutionStoppedAfterPromoteConvergesOnReRun() {
        RotationHarness.Account account = harness.account(2, Duration.ofSeconds(4));
        String first = harness.start(account.secretId(), FAST);
        harness.awaitState(first, "WaitBeforeNextPoll");
        harness.sfn.stopExecution(b -> b.executionArn(first).cause("test: stopped after Promote"));
        executions.add(harness.await(first, TIMEOUT));
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).hasSize(2);

        RotationHarness.Execution second = run(account, FAST);

        assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        assertThat(live).hasSize(1).doesNotContain(account.initialKeyId());
        assertThat(harness.keyIdsByStage(account.secretId()))
                .containsEntry("AWSCURRENT", live.get(0));
        assertNobodyLockedOut(account);
    }

    @Test
    void aSecondRotationWhileOneRunsChangesNothingAndSaysAlreadyRunning() {
        RotationHarness.Account account = harness.account(1, Duration.ofSeconds(3));
        String first = harness.start(account.secretId(), FAST);
        harness.awaitState(first, "PollConsumers");

        RotationHarness.Execution second = run(account, FAST);

        assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(second.statesEntered())
                .containsExactly("Plan", "RouteByPlan", "ReportAlreadyRunning", "AlreadyRunning");
        harness.awaitAlert(account.secretId(), "ALREADY_RUNNING", Duration.ofSeconds(10));
        RotationHarness.Execution firstDone = harness.await(first, TIMEOUT);
        executions.add(firstDone);
        assertThat(firstDone.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(
                        harness.keyApiCalls(account.clientId()).stream()
                                .filter(c -> c.startsWith("POST")))
                .hasSize(1);
        assertNobodyLockedOut(account);
    }

    @Test
    void aFleetRunWhoseDiscoveryFailsAlertsAndFailsWithoutRotatingAnything() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        String fleet = harness.stateMachine("FleetStateMachine");
        harness.stateMachine("RotationStateMachine");
        harness.stack
                .lambdaHost()
                .injectInvokeFault(
                        "ListAccountsFunction",
                        io.veryfikeys.localstack.LambdaHost.InvokeFault.INIT_CRASH,
                        1);

        String arn =
                harness.sfn
                        .startExecution(b -> b.stateMachineArn(fleet).input("{}"))
                        .executionArn();
        RotationHarness.Execution execution = harness.await(arn, TIMEOUT);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .containsExactly("ListAccounts", "ReportDiscoveryFailed", "DiscoveryFailed");
        JsonNode alert = harness.awaitAlert("fleet", "FAILED", Duration.ofSeconds(20));
        assertThat(alert.path("step").asText()).isEqualTo("ListAccounts");
        assertThat(alert.path("executionId").asText()).isEqualTo(arn);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
    }

    @Test
    void theScheduledFleetRunRotatesEveryTaggedAccount() {
        RotationHarness.Account first = harness.account(1, Duration.ZERO);
        RotationHarness.Account second = harness.account(1, Duration.ZERO);
        String fleet = harness.stateMachine("FleetStateMachine");
        harness.stateMachine("RotationStateMachine");

        String arn =
                harness.sfn
                        .startExecution(
                                b ->
                                        b.stateMachineArn(fleet)
                                                .input(
                                                        "{\"accounts\":[\""
                                                                + first.secretId()
                                                                + "\",\""
                                                                + second.secretId()
                                                                + "\"],"
                                                                + "\"settings\":{\"pollIntervalSeconds\":1,\"requiredHealthyPolls\":1,\"pollTimeoutSeconds\":60,\"gracePeriodSeconds\":0}}"))
                        .executionArn();
        RotationHarness.Execution execution = harness.await(arn, TIMEOUT);
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = harness.output(arn);
        assertThat(output.at("/discovery/count").asInt()).isEqualTo(2);
        assertThat(output.path("rotated").asInt()).isEqualTo(2);
        // Per account only [account, outcome, execution name]: 1,000 accounts stay far below the
        // 256 KB limit on a state's output.
        assertThat(output.path("accounts"))
                .hasSize(2)
                .allSatisfy(
                        result -> {
                            assertThat(result.get(1).asText()).isEqualTo("SUCCEEDED");
                            assertThat(1000L * result.toString().length())
                                    .isLessThan(256 * 1024 / 2);
                        });
        assertThat(output.path("accounts").toString())
                .contains(first.secretId())
                .contains(second.secretId());
        for (RotationHarness.Account account : List.of(first, second)) {
            assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                    .hasSize(1)
                    .doesNotContain(account.initialKeyId());
            harness.awaitAlert(account.secretId(), "SUCCEEDED", Duration.ofSeconds(10));
            assertNobodyLockedOut(account);
        }
    }
}
