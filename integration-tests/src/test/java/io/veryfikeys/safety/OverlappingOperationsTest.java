package io.veryfikeys.safety;

import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.simulator.RecordedRequest;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 21: operations on one Veryfi account that overlap in time, on the local stack with the
 * invariant checker watching.
 */
class OverlappingOperationsTest extends LocalStackTest {
    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    @AfterEach
    void noLeaks() {
        harness.veryfi.clearFaults();
        harness.assertNoKeyLeaked(executions);
    }

    /**
     * A 429 storm longer than the client's own retries: Veryfi asks for 2 s between calls six
     * times; the client makes its four attempts and gives up, and the state machine's retry must
     * not come back sooner than Veryfi asked. Before, it came back within a second.
     */
    @Test
    void aRateLimitStormLongerThanTheClientsRetriesIsWaitedOutAsVeryfiAsks() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        Duration retryAfter = Duration.ofSeconds(2);
        harness.veryfi.inject(
                Fault.rateLimit(Endpoint.LIST, retryAfter).times(6).forAccount(account.clientId()));

        RotationHarness.Execution execution =
                checker.watch(
                        harness.start(account.secretId(), FaultMatrixTest.FAST),
                        Duration.ofSeconds(150));
        checker.checkEnd("end", List.of(execution));
        executions.add(execution);

        assertThat(checker.violations()).isEmpty();
        assertThat(execution.statesEntered()).contains("Rotated");
        List<RecordedRequest> lists =
                harness.veryfi.requests().stream()
                        .filter(
                                r ->
                                        account.clientId().equals(r.clientId())
                                                && r.method().equals("GET")
                                                && r.path().endsWith("/client-keys"))
                        .toList();
        assertThat(lists.stream().filter(r -> r.status() == 429)).hasSize(6);
        for (int i = 1; i < lists.size(); i++) {
            if (lists.get(i - 1).status() == 429) {
                Duration gap = Duration.between(lists.get(i - 1).at(), lists.get(i).at());
                assertThat(gap)
                        .as("wait after the 429 of request %d", i)
                        .isGreaterThanOrEqualTo(retryAfter.minusMillis(100));
            }
        }
    }

    /**
     * Waits until the reset call has reached Veryfi, where the injected latency holds it in flight.
     */
    private static void awaitResetArrived(RotationHarness.Account account, long resetsBefore) {
        await("the reset call at Veryfi")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(
                        () ->
                                harness.veryfi.received(Endpoint.RESET, account.clientId())
                                        > resetsBefore);
    }

    private static String resetRequest(RotationHarness.Account account, String token) {
        return "{\"secretId\":\""
                + account.secretId()
                + "\",\"reason\":\"two responders\",\"confirm\":\""
                + account.secretId()
                + "\",\"idempotencyToken\":\""
                + token
                + "\"}";
    }

    /**
     * Two responders reset one account with different tokens at once: the first is slow at Veryfi,
     * the second starts while it is in flight. Before, both called Veryfi; the second's call, made
     * with the key it read before, was refused, and it raised RESET_FAILED advising a reset from
     * the Veryfi portal, which would kill the key the first had just stored. Now the second sees
     * the first's mark, waits for it, finds the new key stored and live, and answers that the
     * account was already reset, by whom and when: one call reaches Veryfi, one alert.
     */
    @Test
    void twoResetsAtOnceEndWithOneNewKeyAndNoFalseFailure() throws Exception {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.stateMachine("RotationStateMachine");
        // two warm sandboxes, so that both resets start at once (a refused request touches nothing)
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var warm1 =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ResetFunction",
                                            "{\"secretId\":\"" + account.secretId() + "\"}"));
            var warm2 =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ResetFunction",
                                            "{\"secretId\":\"" + account.secretId() + "\"}"));
            warm1.get();
            warm2.get();
        }
        // The first reset waits 1.2 s at Veryfi (inside the client's timeout): the second overtakes
        // it.
        harness.veryfi.inject(
                Fault.latency(Endpoint.RESET, Duration.ofMillis(1200))
                        .times(1)
                        .forAccount(account.clientId()));
        long resets = harness.veryfi.received(Endpoint.RESET, account.clientId());
        RotationHarness.Invoked first;
        RotationHarness.Invoked second;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ResetFunction",
                                            resetRequest(
                                                    account, "responder-a-" + System.nanoTime())));
            awaitResetArrived(account, resets);
            var b =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ResetFunction",
                                            resetRequest(
                                                    account, "responder-b-" + System.nanoTime())));
            first = a.get();
            second = b.get();
        }

        assertThat(first.functionError()).as(first.payload()).isNull();
        assertThat(second.functionError()).as(second.payload()).isNull();
        assertThat(first.json().path("alreadyDone").asBoolean()).as(first.payload()).isFalse();
        assertThat(second.json().path("alreadyDone").asBoolean()).as(second.payload()).isTrue();
        assertThat(second.json().path("alreadyResetBy").path("at").asText()).isNotEmpty();
        assertThat(harness.veryfi.received(Endpoint.RESET, account.clientId()) - resets)
                .as("reset calls at Veryfi")
                .isEqualTo(1);
        long stored = harness.credentials(account.secretId(), "AWSCURRENT").keyId();
        assertThat(stored)
                .isEqualTo(second.json().path("newKeyId").asLong())
                .isEqualTo(first.json().path("newKeyId").asLong());
        assertThat(
                        harness.veryfi.isLive(
                                account.clientId(),
                                harness.credentials(account.secretId(), "AWSCURRENT").apiKey()))
                .isTrue();
        // Both invocations have returned, and an alert is in the queue once its Publish returns
        // (moto delivers to the subscribed queue within the call): a false RESET_FAILED would be
        // here now.
        assertThat(harness.alertsFor(account.secretId()))
                .extracting(a -> a.path("result").asText())
                .containsExactly("RESET")
                .doesNotContain("RESET_FAILED", "LOCKED_OUT");
        InvariantChecker checker = new InvariantChecker(harness, account, true);
        checker.checkAfterReset(
                "after both resets", first.json(), harness.alertsFor(account.secretId()).get(0));
        checker.checkAfterReset("after both resets", second.json(), null);
        assertThat(checker.violations()).isEmpty();
    }

    /**
     * A rotation started while a slow reset is in flight (Veryfi takes 1.2 s to answer the reset):
     * the reset has marked the account, so the plan refuses it, BLOCKED with the reason. Before,
     * the rotation went on with keys the reset was about to kill and, a day later, reported
     * CONSUMERS_LAGGING with "both keys stay live" while Veryfi had invalidated both.
     */
    @Test
    void aRotationStartedDuringAResetIsRefused() throws Exception {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        String machine = harness.stateMachine("RotationStateMachine");
        harness.invoke(
                "PlanFunction",
                "{}"); // a warm Plan: the rotation must plan while the reset is in flight
        harness.veryfi.inject(
                Fault.latency(Endpoint.RESET, Duration.ofMillis(1200))
                        .times(1)
                        .forAccount(account.clientId()));
        long resets = harness.veryfi.received(Endpoint.RESET, account.clientId());
        RotationHarness.Invoked reset;
        String rotation;
        try (var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            var inFlight =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ResetFunction",
                                            resetRequest(account, "slow-" + System.nanoTime())));
            awaitResetArrived(account, resets);
            rotation = harness.start(account.secretId(), FaultMatrixTest.FAST);
            reset = inFlight.get();
        }
        RotationHarness.Execution execution = harness.await(rotation, Duration.ofSeconds(60));
        executions.add(execution);

        assertThat(reset.functionError()).as(reset.payload()).isNull();
        // The plan refused; the execution then ends Blocked, or is stopped by the reset's second
        // look (which wins depends on the scheduling: either is safe, neither may create a key).
        assertThat(execution.statesEntered()).doesNotContain("CreateKey");
        if (execution.status()
                == software.amazon.awssdk.services.sfn.model.ExecutionStatus.ABORTED) {
            assertThat(reset.json().path("stoppedExecutions").toString())
                    .as(reset.payload())
                    .contains(rotation);
        } else {
            assertThat(execution.statesEntered()).contains("ReportBlocked");
            assertThat(execution.historyText())
                    .contains("BLOCKED")
                    .contains("is in progress (started");
        }
        long stored = harness.credentials(account.secretId(), "AWSCURRENT").keyId();
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(stored);
        assertThat(
                        harness
                                .stack
                                .secretsManager()
                                .describeSecret(b -> b.secretId(account.secretId()))
                                .versionIdsToStages()
                                .values()
                                .stream()
                                .flatMap(java.util.List::stream))
                .as("the reset removed its mark")
                .noneMatch(label -> label.startsWith("VERYFI_RESETTING_"));
        InvariantChecker checker = new InvariantChecker(harness, account, true);
        checker.checkAfterReset("after the reset", reset.json(), null);
        assertThat(checker.violations()).isEmpty();
    }

    /**
     * A person moves AWSCURRENT back to the old version while the rotation waits for its consumers.
     * Consumers follow AWSCURRENT, so they will never move: before, the rotation polled on until
     * its timeout and reported CONSUMERS_LAGGING. Now the next poll sees the change and stops at
     * once, saying so and deleting nothing.
     */
    @Test
    void aRotationWhoseCurrentKeySomeoneElseMovedStopsAtTheNextPoll() {
        RotationHarness.Account account = harness.account(1, Duration.ofSeconds(60));
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        String arn = harness.start(account.secretId(), RotationHarness.settings(1, 1, 60, 0));
        harness.awaitState(arn, "WaitBeforeNextPoll");
        harness.moveCurrentBack(account.secretId());
        long started = System.nanoTime();

        RotationHarness.Execution execution = checker.watch(arn, Duration.ofSeconds(60));
        checker.checkEnd("end", List.of(execution));
        executions.add(execution);

        assertThat(checker.violations()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));
        assertThat(execution.statesEntered())
                .contains("RotationFailed")
                .doesNotContain("ReportConsumersLagging", "DeleteOldKey");
        com.fasterxml.jackson.databind.JsonNode alert =
                harness.awaitAlert(account.secretId(), "FAILED", Duration.ofSeconds(20));
        assertThat(alert.path("error").asText())
                .isEqualTo("io.veryfikeys.rotation.RotationConflictException");
        assertThat(alert.path("summary").asText()).contains("deleted nothing");
        // who changed it, and the keys now
        assertThat(alert.path("cause").asText())
                .contains("a person or another tool moved AWSCURRENT back to the old version")
                .contains("it holds key " + account.initialKeyId())
                .containsPattern("live keys at Veryfi \\[\\d+, \\d+\\]");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(2)
                .contains(account.initialKeyId());
    }

    /**
     * A second secret holds the same Veryfi account (copied by hand for another team), with its own
     * consumer. Before, the rotation never looked at it: it deleted the key the copy holds, and the
     * copy's consumer was rejected from then on. Now the plan finds the copy and refuses, naming
     * it; nothing changes, and the checker watches the copy's key and consumer too.
     */
    @Test
    void aCopiedSecretIsFoundAndTheRotationRefusedNamingIt() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        RotationHarness.Account copy = harness.copyOf(account, "copy", 1, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false).alsoHeldBy(copy);

        RotationHarness.Execution execution =
                checker.watch(
                        harness.start(account.secretId(), FaultMatrixTest.FAST),
                        Duration.ofSeconds(60));
        checker.checkEnd("end", List.of(execution));
        executions.add(execution);

        assertThat(checker.violations()).isEmpty();
        assertThat(execution.statesEntered()).contains("ReportBlocked").doesNotContain("CreateKey");
        com.fasterxml.jackson.databind.JsonNode alert =
                harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20));
        assertThat(alert.path("reason").asText())
                .contains("[" + copy.secretId() + "] hold the same Veryfi account")
                .contains("linkedSecrets");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
    }

    /**
     * The same copy, declared in the primary's linkedSecrets: the rotation stores the new key in
     * the copy too (before the primary's AWSCURRENT moves), waits for the copy's consumer, which
     * lags 3 s behind, and only then deletes the old key. Nobody is rejected at any step.
     */
    @Test
    void aLinkedCopyGetsEachNewKeyAndItsConsumersAreWaitedFor() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        RotationHarness.Account copy = harness.copyOf(account, "linked", 1, Duration.ofSeconds(3));
        harness.link(account, copy);
        InvariantChecker checker = new InvariantChecker(harness, account, false).alsoHeldBy(copy);

        RotationHarness.Execution execution =
                checker.watch(
                        harness.start(account.secretId(), FaultMatrixTest.FAST),
                        Duration.ofSeconds(90));
        checker.checkEnd("end", List.of(execution));
        executions.add(execution);

        assertThat(checker.violations()).isEmpty();
        assertThat(execution.statesEntered()).contains("DeleteOldKey", "Rotated");
        long newKey = harness.credentials(account.secretId(), "AWSCURRENT").keyId();
        assertThat(newKey).isNotEqualTo(account.initialKeyId());
        assertThat(harness.credentials(copy.secretId(), "AWSCURRENT").keyId()).isEqualTo(newKey);
        assertThat(copy.consumer(0).keyIdInUse()).isEqualTo(newKey);
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(newKey);
        assertThat(harness.keyRotatedFor(copy.secretId()))
                .extracting(e -> e.path("keyId").asLong())
                .contains(newKey);
        assertThat(execution.historyText()).contains(copy.secretId() + ":consumer-linked-0");
    }

    /**
     * An incident reset of an account with a linked copy and an unlinked one: the linked copy gets
     * the new key too (it would hold a dead key otherwise), and the alert names the unlinked copy,
     * which now holds a dead key, so the responder can fix it by hand.
     */
    @Test
    void aResetStoresTheNewKeyInLinkedCopiesAndNamesTheUnlinkedOnes() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        RotationHarness.Account linked = harness.copyOf(account, "linked", 0, Duration.ZERO);
        RotationHarness.Account unlinked = harness.copyOf(account, "unlinked", 0, Duration.ZERO);
        harness.link(account, linked);

        RotationHarness.Invoked reset =
                harness.invoke(
                        "ResetFunction", resetRequest(account, "linked-" + System.nanoTime()));

        assertThat(reset.functionError()).as(reset.payload()).isNull();
        long newKey = reset.json().path("newKeyId").asLong();
        assertThat(harness.credentials(account.secretId(), "AWSCURRENT").keyId()).isEqualTo(newKey);
        assertThat(harness.credentials(linked.secretId(), "AWSCURRENT").keyId()).isEqualTo(newKey);
        assertThat(
                        harness.veryfi.isLive(
                                account.clientId(),
                                harness.credentials(linked.secretId(), "AWSCURRENT").apiKey()))
                .isTrue();
        assertThat(harness.credentials(unlinked.secretId(), "AWSCURRENT").keyId())
                .isEqualTo(account.initialKeyId());
        com.fasterxml.jackson.databind.JsonNode alert =
                harness.awaitAlert(account.secretId(), "RESET", Duration.ofSeconds(20));
        assertThat(alert.path("linkedSecretsUpdated").toString())
                .isEqualTo("[\"" + linked.secretId() + "\"]");
        assertThat(alert.path("sameAccountNotLinked").toString())
                .isEqualTo("[\"" + unlinked.secretId() + "\"]");
        assertThat(alert.path("summary").asText())
                .contains(unlinked.secretId())
                .contains("dead key");
        assertThat(harness.keyRotatedFor(linked.secretId()))
                .extracting(e -> e.path("keyId").asLong())
                .contains(newKey);
    }

    /**
     * The fleet's discovery blocks an account held by two secrets that are not linked (each of its
     * rotations would be refused), and does not rotate a linked copy on its own (even one tagged
     * for rotation): the secret that lists it rotates it. Both are in ListAccounts' choices, with
     * their reasons, for the fleet report.
     */
    @Test
    void theFleetFlagsUnlinkedCopiesAndSkipsLinkedOnes() {
        RotationHarness.Account copied = harness.account(0, Duration.ZERO);
        RotationHarness.Account copy = harness.copyOf(copied, "copy", 0, Duration.ZERO);
        RotationHarness.Account primary = harness.account(0, Duration.ZERO);
        RotationHarness.Account linked = harness.copyOf(primary, "linked", 0, Duration.ZERO);
        harness.link(primary, linked);
        harness.tag(linked.secretId(), "veryfi-key-rotation", "enabled");

        RotationHarness.Invoked listed =
                harness.invoke("ListAccountsFunction", RotationHarness.LIST_ACCOUNTS_EVENT);

        assertThat(listed.functionError()).as(listed.payload()).isNull();
        assertThat(listed.json().path("sameAccountNotLinked").toString())
                .contains("[\"" + copied.secretId() + "\",\"" + copy.secretId() + "\"]");
        // The linked copy is skipped and the unlinked pair blocked, each with its reason; neither
        // is started.
        assertThat(listed.json().path("choices").toString())
                .contains(
                        "{\"account\":\""
                                + linked.secretId()
                                + "\",\"action\":\"SKIP\",\"reason\":\"LINKED_COPY\"")
                .contains(
                        "{\"account\":\""
                                + copied.secretId()
                                + "\",\"action\":\"BLOCKED\",\"reason\":\"SAME_ACCOUNT_NOT_LINKED\"");
        assertThat(listed.json().path("accounts").toString())
                .contains("\"" + primary.secretId() + "\"")
                .doesNotContain("\"" + linked.secretId() + "\"")
                .doesNotContain("\"" + copied.secretId() + "\"");
        // issue 20 item 6: an untagged secret is not rotated, and the fleet says so; a linked copy
        // is not named
        assertThat(listed.json().path("notTaggedForRotation").toString())
                .contains("\"" + copy.secretId() + "\"")
                .doesNotContain("\"" + linked.secretId() + "\"")
                .doesNotContain("\"" + primary.secretId() + "\"");
    }
}
