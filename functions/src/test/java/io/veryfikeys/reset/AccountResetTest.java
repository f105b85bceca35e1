package io.veryfikeys.reset;

import io.veryfikeys.fakes.FakeRunningRotations;
import io.veryfikeys.fakes.FakeVeryfi;
import io.veryfikeys.fakes.InMemorySecrets;
import io.veryfikeys.fakes.RecordingNotifier;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.rotation.Ports;
import io.veryfikeys.veryfi.ApiKey;
import io.veryfikeys.veryfi.VeryfiForbiddenException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The incident reset on in-memory ports (issue 14): what it stores, stops, deletes and says, and
 * how it fails, in milliseconds. The same reset through the faithful runtime, the simulator and
 * moto is {@code ResetTest}; its races with rotations are the safety suite's.
 */
class AccountResetTest {
    private static final String SECRET = "veryfi/payroll";
    private static final String ROTATIONS =
            "arn:aws:states:us-east-1:123456789012:stateMachine:rotation";

    private final FakeVeryfi veryfi = new FakeVeryfi();
    private final InMemorySecrets secrets = new InMemorySecrets();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final FakeRunningRotations running = new FakeRunningRotations();
    private ApiKey first;
    private AccountReset reset;

    @BeforeEach
    void account() {
        first = veryfi.newAccount("client-1");
        secrets.create(SECRET, InMemorySecrets.accountSecret(SECRET, first));
        reset = resetOn(secrets, running);
    }

    private AccountReset resetOn(
            io.veryfikeys.secrets.SecretStore store,
            io.veryfikeys.rotation.RunningRotations rotations) {
        return resetOn(store, rotations, new ResetSettings(() -> name -> Optional.empty(), null));
    }

    private AccountReset resetOn(
            io.veryfikeys.secrets.SecretStore store,
            io.veryfikeys.rotation.RunningRotations rotations,
            ResetSettings settings) {
        return new AccountReset(
                new Ports(
                        store,
                        veryfi,
                        rotations,
                        notifier,
                        Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC)),
                ROTATIONS,
                settings,
                new AccountReset.StoreRetry(Duration.ZERO, 2));
    }

    /** The fake's running rotations, with {@code beforeEachLook} run as each look begins. */
    private io.veryfikeys.rotation.RunningRotations rotationsLooked(Runnable beforeEachLook) {
        return new io.veryfikeys.rotation.RunningRotations() {
            @Override
            public java.util.List<String> of(String stateMachineArn, String secretId) {
                beforeEachLook.run();
                return running.of(stateMachineArn, secretId);
            }

            @Override
            public void stop(String executionArn, String cause) {
                running.stop(executionArn, cause);
            }
        };
    }

    /**
     * Two keys back from Veryfi: the keys to keep and the prefix for the alert's scan both come
     * from one read of the settings parameter, not one each (issue 18).
     */
    @Test
    void theSettingsAreReadOnceForTheKeysToKeepAndTheScan() {
        veryfi.addKey("client-1");
        secrets.create("veryfi/hr", InMemorySecrets.accountSecret("veryfi/hr", first));
        java.util.concurrent.atomic.AtomicInteger reads =
                new java.util.concurrent.atomic.AtomicInteger();
        AccountReset counted =
                resetOn(
                        secrets,
                        running,
                        new ResetSettings(
                                () ->
                                        name -> {
                                            reads.incrementAndGet();
                                            return Optional.of(
                                                    "{\"keysToKeep\":2,\"secretNamePrefix\":\"veryfi/\"}");
                                        },
                                "/reset-settings"));

        Map<String, Object> result = counted.reset(request("tok-00000003"), "request-3", "tester");

        assertThat(reads).hasValue(1);
        assertThat(result.get("spareKeyId")).as("keysToKeep 2 was read").isNotNull();
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert ->
                                assertThat(alert.message().get("sameAccountNotLinked"))
                                        .as("the scan used the prefix")
                                        .isEqualTo(List.of("veryfi/hr")));
    }

    @Test
    void aResetStoresTheNewKeyStopsTheRotationAndSaysSoWithoutAKeyValue() {
        running.add(ROTATIONS.replace(":stateMachine:", ":execution:") + ":run-1");

        Map<String, Object> result = reset.reset(request("tok-00000001"), "request-1", "tester");

        long newKey = (Long) result.get("newKeyId");
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(newKey);
        assertThat(secrets.readCurrent(SECRET).apiKeyId()).isEqualTo(newKey);
        assertThat(running.running()).as("the running rotation was stopped").isEmpty();
        assertThat(result).containsEntry("newKeyStored", true).containsEntry("alreadyDone", false);
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.result()).isEqualTo("RESET");
                            assertThat(alert.message())
                                    .containsEntry("newKeyId", newKey)
                                    .doesNotContainKey("advice");
                        });
        assertThat(notifier.keyRotated)
                .singleElement()
                .satisfies(event -> assertThat(event.reason()).isEqualTo("reset"));
        String published = notifier.alerts + " " + notifier.keyRotated + " " + result;
        assertThat(published)
                .doesNotContain(first.value().reveal())
                .doesNotContain(secrets.readCurrent(SECRET).apiKey().reveal());
    }

    @Test
    void theSameRequestAgainFindsItsOwnWorkAndResetsNothingMore() {
        Map<String, Object> once = reset.reset(request("tok-00000002"), "request-1", "tester");
        Map<String, Object> again = reset.reset(request("tok-00000002"), "request-2", "tester");

        assertThat(again)
                .containsEntry("alreadyDone", true)
                .containsEntry("newKeyId", once.get("newKeyId"));
        assertThat(veryfi.calls().stream().filter("reset"::equals)).hasSize(1);
    }

    @Test
    void aDeadCurrentKeyFallsBackToTheKeyBeforeIt() {
        ApiKey second = veryfi.addKey("client-1");
        secrets.putCurrent(SECRET, "v2", InMemorySecrets.accountSecret(SECRET, second));
        veryfi.revoke(
                "client-1", second.id()); // AWSCURRENT's key is dead; AWSPREVIOUS's still works

        Map<String, Object> result = reset.reset(request("tok-00000003"), "request-1", "tester");

        assertThat(veryfi.liveKeyIds("client-1")).containsExactly((Long) result.get("newKeyId"));
    }

    @Test
    void everyStoredKeyDeadAdvisesAResetByHand() {
        veryfi.revoke("client-1", first.id());
        veryfi.addKey("client-1"); // the account lives on, with a key nobody stored

        assertThatThrownBy(() -> reset.reset(request("tok-00000004"), "request-1", "tester"))
                .isInstanceOf(ResetFailedException.class)
                .hasMessageContaining("rejects every stored key");
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.result()).isEqualTo("RESET_FAILED");
                            assertThat(alert.message())
                                    .containsEntry("advice", Notifier.ADVICE_RESET_ACCOUNT);
                        });
    }

    @Test
    void aKeyThatMayNotResetChangesNothingAndIsNotAdvisedToBeReset() {
        veryfi.failNext("reset", new VeryfiForbiddenException("not allowed", 403, null));

        assertThatThrownBy(() -> reset.reset(request("tok-00000005"), "request-1", "tester"))
                .isInstanceOf(ResetFailedException.class)
                .hasMessageContaining("HTTP 403");
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(first.id());
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert ->
                                assertThat(alert.message())
                                        .containsEntry("result", "RESET_FAILED")
                                        .doesNotContainKey("advice"));
    }

    @Test
    void aNewKeyThatCannotBeStoredIsALockOutAndTheAlertSaysSo() {
        secrets.failNext("putCurrent", new IllegalStateException("Secrets Manager is down"));
        secrets.failNext("putCurrent", new IllegalStateException("Secrets Manager is down"));

        assertThatThrownBy(() -> reset.reset(request("tok-00000006"), "request-1", "tester"))
                .isInstanceOf(SecretWriteFailedException.class)
                .hasMessageContaining("after 2 attempts");
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.result()).isEqualTo("LOCKED_OUT");
                            assertThat(alert.message())
                                    .containsEntry("advice", Notifier.ADVICE_RESET_ACCOUNT)
                                    .containsEntry("error", IllegalStateException.class.getName());
                        });
    }

    /**
     * Issue 18: the reads before Veryfi's call go out together, the running rotations still only
     * after the mark (a rotation planned before it would otherwise be missed). Sequentially, the
     * versions would be asked only after hasVersion answered, and the latch would time out.
     */
    @Test
    void theReadsBeforeVeryfisCallGoOutTogetherAndRotationsAreListedAfterTheMark()
            throws Exception {
        java.util.concurrent.CountDownLatch versionsAsked =
                new java.util.concurrent.CountDownLatch(1);
        java.util.List<Boolean> overlapped =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        io.veryfikeys.secrets.SecretStore store =
                secrets.watched(
                        (operation, args) -> {
                            if (operation.equals("versions")) {
                                versionsAsked.countDown();
                            }
                            if (operation.equals("hasVersion")) {
                                overlapped.add(
                                        versionsAsked.await(
                                                5, java.util.concurrent.TimeUnit.SECONDS));
                            }
                        });
        java.util.List<Boolean> markedWhenListed =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        AccountReset concurrent =
                resetOn(store, rotationsLooked(() -> markedWhenListed.add(!marks().isEmpty())));

        Map<String, Object> result =
                concurrent.reset(request("tok-00000042"), "request-1", "tester");

        assertThat(overlapped).containsExactly(true);
        assertThat(markedWhenListed)
                .as("both looks at the running rotations, before and after the store")
                .containsExactly(true, true);
        assertThat(secrets.readCurrent(SECRET).apiKeyId()).isEqualTo(result.get("newKeyId"));
        assertThat(notifier.lifecycle)
                .as("sent beside the alert, joined before returning")
                .hasSize(1);
    }

    /**
     * Issue 18: the consumers' key-rotated notice goes out as soon as their key is stored, beside
     * the second look at the running rotations; the second look waits here for it to have been sent
     * (sent with the alert, as before, it came only after that look, and the wait would time out).
     * The alert still follows the look, and reports it.
     */
    @Test
    void theConsumersNoticeGoesOutBesideTheSecondLookAtTheRunningRotations() throws Exception {
        java.util.List<Boolean> noticedBeforeSecondLook =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger looks =
                new java.util.concurrent.atomic.AtomicInteger();
        io.veryfikeys.rotation.RunningRotations rotations =
                rotationsLooked(
                        () -> {
                            if (looks.incrementAndGet() == 2) {
                                long until = System.nanoTime() + 5_000_000_000L;
                                while (notifier.keyRotated.isEmpty() && System.nanoTime() < until) {
                                    Thread.onSpinWait();
                                }
                                noticedBeforeSecondLook.add(!notifier.keyRotated.isEmpty());
                            }
                        });
        AccountReset reset = resetOn(secrets, rotations);

        Map<String, Object> result = reset.reset(request("tok-00000044"), "request-1", "tester");

        assertThat(noticedBeforeSecondLook).containsExactly(true);
        assertThat(notifier.keyRotated)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.keyId()).isEqualTo(result.get("newKeyId"));
                            assertThat(e.secretId()).isEqualTo(SECRET);
                        });
        assertThat(notifier.alerts).hasSize(1);
    }

    /**
     * Issue 18: the alert's same-account scan starts before the mark's first look at the running
     * rotations, so that its calls are over before the alert instead of the alert waiting for them
     * (started after the stops, as before, the latch below would time out); and the mark, removed
     * beside the alert rather than after it, is still there when the new key is stored and gone
     * when the reset returns.
     */
    @Test
    void theAlertsScanStartsBeforeTheRotationsAreListedAndTheMarkIsGoneWhenTheResetReturns()
            throws Exception {
        secrets.create("veryfi/hr", InMemorySecrets.accountSecret("veryfi/hr", first));
        java.util.concurrent.CountDownLatch scanStarted =
                new java.util.concurrent.CountDownLatch(1);
        java.util.List<Boolean> markedWhenStored =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        io.veryfikeys.secrets.SecretStore store =
                secrets.watched(
                        (operation, args) -> {
                            if (operation.equals("sameAccountScan")) {
                                scanStarted.countDown();
                            }
                            if (operation.equals("putCurrent")) {
                                markedWhenStored.add(!marks().isEmpty());
                            }
                        });
        java.util.List<Boolean> scanBeforeListed =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        io.veryfikeys.rotation.RunningRotations rotations =
                rotationsLooked(
                        () -> {
                            if (scanBeforeListed.isEmpty()) {
                                try {
                                    scanBeforeListed.add(
                                            scanStarted.await(
                                                    5, java.util.concurrent.TimeUnit.SECONDS));
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        });
        AccountReset scanning =
                resetOn(
                        store,
                        rotations,
                        new ResetSettings(
                                () -> name -> Optional.of("{\"secretNamePrefix\":\"veryfi/\"}"),
                                "/reset-settings"));

        scanning.reset(request("tok-00000043"), "request-1", "tester");

        assertThat(scanBeforeListed).containsExactly(true);
        assertThat(markedWhenStored).as("the mark guards the store").containsExactly(true);
        assertThat(marks()).as("the mark is removed before the reset returns").isEmpty();
        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert ->
                                assertThat(alert.message().get("sameAccountNotLinked"))
                                        .isEqualTo(List.of("veryfi/hr")));
    }

    private java.util.List<String> marks() {
        return secrets.versions(SECRET).freshResetMarks(Instant.parse("2026-12-01T03:00:00Z"));
    }

    private static ResetRequest request(String token) {
        return new ResetRequest(SECRET, null, "key leaked in a log", SECRET, token, "on-call");
    }
}
