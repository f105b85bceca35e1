package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13: the rotation never deletes a key it cannot prove it made, and every outcome says what
 * really happened and what to do. Each scenario runs on the local stack with the simulator's
 * faults, the invariant checker watching where a rotation runs.
 */
class TruthfulOutcomesTest extends LocalStackTest {
    private static final Duration RUN = Duration.ofSeconds(90);
    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void noLeaks() {
        harness.veryfi.clearFaults();
        harness.assertNoKeyLeaked(executions);
    }

    private RotationHarness.Execution watch(InvariantChecker checker, String arn) {
        RotationHarness.Execution execution = checker.watch(arn, RUN);
        checker.checkEnd("end", List.of(execution));
        executions.add(execution);
        assertThat(checker.violations()).isEmpty();
        return execution;
    }

    private static void awaitReceived(Endpoint endpoint, String clientId, long before) {
        await(endpoint + " of " + clientId + " at Veryfi")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> harness.veryfi.received(endpoint, clientId) > before);
    }

    /** Item 1: before, CreateKey met the key limit, deleted the hand-made key and carried on. */
    @Test
    void aKeyMadeByHandWhileTheCreateIsInFlightIsNeverDeletedAndTheRotationIsBlocked() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        // The create waits 1 s at Veryfi (inside the client's 1.5 s timeout: its answer is not
        // lost).
        harness.veryfi.inject(
                Fault.latency(Endpoint.CREATE, Duration.ofMillis(1000))
                        .times(1)
                        .forAccount(account.clientId()));
        long creates = harness.veryfi.received(Endpoint.CREATE, account.clientId());
        String arn = harness.start(account.secretId(), FaultMatrixTest.FAST);
        awaitReceived(Endpoint.CREATE, account.clientId(), creates);
        long handMade = harness.veryfi.addKey(account.clientId()).id();
        checker.foreignKey(handMade);

        RotationHarness.Execution execution = watch(checker, arn);

        assertThat(execution.statesEntered())
                .contains("BlockedByConfiguration")
                .doesNotContain("Rotated");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactlyInAnyOrder(account.initialKeyId(), handMade);
        JsonNode alert = harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20));
        assertThat(alert.path("error").asText())
                .isEqualTo("io.veryfikeys.rotation.UnknownKeyException");
        assertThat(alert.path("cause").asText())
                .contains(Long.toString(handMade))
                .contains("Nothing was deleted");
        assertThat(alert.path("summary").asText()).doesNotContain("resumes safely");
    }

    /**
     * Item 3: Veryfi made the key (201) but its answer was unreadable; the rotation removes that
     * key and goes on.
     */
    @Test
    void aCreateWhoseAnswerCannotBeReadLeavesNoOrphan() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        harness.veryfi.inject(
                Fault.garbledAfterCommit(Endpoint.CREATE).times(1).forAccount(account.clientId()));

        RotationHarness.Execution execution =
                watch(checker, harness.start(account.secretId(), FaultMatrixTest.FAST));

        assertThat(execution.statesEntered()).contains("Rotated");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(1)
                .doesNotContain(account.initialKeyId());
    }

    /** Item 4: a 403 is not a dead key; the alert must not send the responder to reset. */
    @Test
    void a403FromVeryfiIsBlockedWithAdviceNotToReset() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        harness.veryfi.inject(
                Fault.forbidden(Endpoint.LIST).times(1).forAccount(account.clientId()));

        RotationHarness.Execution execution =
                watch(checker, harness.start(account.secretId(), FaultMatrixTest.FAST));

        assertThat(execution.statesEntered()).contains("Blocked");
        JsonNode alert = harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20));
        assertThat(alert.path("reason").asText())
                .contains("HTTP 403")
                .contains("do not reset")
                .doesNotContain("reset the account");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
    }

    /**
     * Item 5: a secret without apiKeyId is a configuration problem: BLOCKED, naming the field, no
     * promise of resuming.
     */
    @Test
    void aSecretWithoutItsKeyIdIsBlockedWithTheFieldToFix() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        String broken =
                harness.secrets
                        .getSecretValue(b -> b.secretId(account.secretId()))
                        .secretString()
                        .replaceAll("\"apiKeyId\":\\d+,?", "")
                        .replace(",}", "}");
        harness.secrets.putSecretValue(b -> b.secretId(account.secretId()).secretString(broken));

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FaultMatrixTest.FAST, RUN);
        executions.add(execution);

        assertThat(execution.statesEntered()).contains("BlockedByConfiguration");
        JsonNode alert = harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20));
        assertThat(alert.path("cause").asText()).contains("apiKeyId");
        assertThat(alert.path("summary").asText())
                .contains("Fix the secret")
                .doesNotContain("resumes safely");
        assertThat(harness.keyApiCalls(account.clientId())).isEmpty();
    }

    /**
     * Item 6: a misspelt setting is refused before anything changes, naming the field and the
     * accepted ones.
     */
    @Test
    void aMisspeltFieldIsRefusedBeforeAnythingChanges() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        RotationHarness.Execution execution =
                harness.run(account.secretId(), java.util.Map.of("gracePeriodSecond", 0), RUN);
        executions.add(execution);

        assertThat(execution.statesEntered()).contains("BlockedByConfiguration");
        JsonNode alert = harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20));
        assertThat(alert.path("cause").asText())
                .contains("unknown field \"gracePeriodSecond\"")
                .contains("gracePeriodSeconds");
        assertThat(harness.keyApiCalls(account.clientId())).isEmpty();

        RotationHarness.Invoked reset =
                harness.invoke(
                        "ResetFunction",
                        "{\"secretId\":\""
                                + account.secretId()
                                + "\",\"reason\":\"drill\",\"confirm\":\""
                                + account.secretId()
                                + "\",\"idempotencyTokn\":\"abcdefgh\"}");
        assertThat(reset.errorType()).isEqualTo("io.veryfikeys.support.InvalidInputException");
        assertThat(reset.errorMessage())
                .contains("unknown field \"idempotencyTokn\"")
                .contains("idempotencyToken");
        assertThat(harness.keyApiCalls(account.clientId())).isEmpty();
    }

    /**
     * Item 3, reset: Veryfi reset the keys (201) but its answer was unreadable: every consumer is
     * locked out, say so.
     */
    @Test
    void aResetWhoseAnswerCannotBeReadRaisesLockedOut() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.stateMachine("RotationStateMachine");
        harness.veryfi.inject(
                Fault.garbledAfterCommit(Endpoint.RESET).times(1).forAccount(account.clientId()));

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        "{\"secretId\":\""
                                + account.secretId()
                                + "\",\"reason\":\"drill\",\"confirm\":\""
                                + account.secretId()
                                + "\",\"idempotencyToken\":\""
                                + UUID.randomUUID()
                                + "\"}");

        assertThat(result.errorType()).isEqualTo("io.veryfikeys.reset.ResetFailedException");
        JsonNode alert =
                harness.awaitAlert(account.secretId(), "LOCKED_OUT", Duration.ofSeconds(20));
        assertThat(alert.path("summary").asText())
                .contains("every consumer is locked out")
                .contains("Veryfi portal");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .doesNotContain(account.initialKeyId());
    }

    /**
     * A reset while a rotation polls (two keys live, so the reset makes two) and Veryfi's DELETE
     * answers 503: the new key is stored and the response and alert say so, with the surplus key
     * still to delete. Before, the invocation failed unhandled, a retry answered "already done" and
     * left the key, and every later rotation was BLOCKED on it.
     */
    private record HalfFinished(
            RotationHarness.Account account, String token, long newKeyId, long surplus) {}

    private HalfFinished resetWhoseCleanupIsRefused() {
        RotationHarness.Account account = harness.account(2, Duration.ofSeconds(30));
        String rotation = harness.start(account.secretId(), FaultMatrixTest.FAST);
        harness.awaitState(rotation, "WaitBeforeNextPoll");
        harness.veryfi.inject(
                Fault.serverError(Endpoint.DELETE, 503).always().forAccount(account.clientId()));
        String token = "half-" + UUID.randomUUID();
        String request =
                "{\"secretId\":\""
                        + account.secretId()
                        + "\",\"reason\":\"drill\",\"confirm\":\""
                        + account.secretId()
                        + "\",\"idempotencyToken\":\""
                        + token
                        + "\"}";

        RotationHarness.Invoked result = harness.invoke("ResetFunction", request);

        assertThat(result.functionError()).as(result.payload()).isNull();
        JsonNode json = result.json();
        assertThat(json.path("newKeyStored").asBoolean()).isTrue();
        assertThat(json.path("pendingCleanupKeyIds").size()).isEqualTo(1);
        long surplus = json.path("pendingCleanupKeyIds").get(0).asLong();
        long newKeyId = json.path("newKeyId").asLong();
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactlyInAnyOrder(newKeyId, surplus);
        JsonNode alert = harness.awaitAlert(account.secretId(), "RESET", Duration.ofSeconds(20));
        // the new invariant: every live key is held by a secret version or listed as pending
        // clean-up
        InvariantChecker checker = new InvariantChecker(harness, account, true);
        checker.checkAfterReset("after the reset", json, alert);
        assertThat(checker.violations()).isEmpty();
        assertThat(alert.path("pendingCleanupKeyIds").toString()).isEqualTo("[" + surplus + "]");
        assertThat(alert.path("summary").asText()).contains("same idempotencyToken");
        executions.add(harness.await(rotation, RUN));
        harness.veryfi.clearFaults();
        account.consumers().forEach(c -> c.lag(Duration.ZERO));
        return new HalfFinished(account, request, newKeyId, surplus);
    }

    @Test
    void aResetWhoseCleanupVeryfiRefusedIsFinishedByTheSameRequestAgain() {
        HalfFinished reset = resetWhoseCleanupIsRefused();

        RotationHarness.Invoked again = harness.invoke("ResetFunction", reset.token());

        assertThat(again.functionError()).as(again.payload()).isNull();
        assertThat(again.json().path("alreadyDone").asBoolean()).isTrue();
        assertThat(again.json().path("deletedKeyIds").toString())
                .isEqualTo("[" + reset.surplus() + "]");
        assertThat(again.json().path("pendingCleanupKeyIds").size()).isZero();
        InvariantChecker checker = new InvariantChecker(harness, reset.account(), true);
        checker.checkAfterReset("after the retry", again.json(), null);
        assertThat(checker.violations()).isEmpty();
        assertThat(harness.veryfi.liveKeyIds(reset.account().clientId()))
                .containsExactly(reset.newKeyId());
    }

    @Test
    void theNextRotationRemovesTheSurplusKeyAResetLeftInsteadOfBlocking() {
        HalfFinished reset = resetWhoseCleanupIsRefused();
        InvariantChecker checker = new InvariantChecker(harness, reset.account(), true);

        RotationHarness.Execution execution =
                watch(checker, harness.start(reset.account().secretId(), FaultMatrixTest.FAST));

        assertThat(execution.statesEntered()).contains("Rotated");
        assertThat(harness.veryfi.liveKeyIds(reset.account().clientId()))
                .hasSize(1)
                .doesNotContain(reset.surplus(), reset.newKeyId());
    }
}
