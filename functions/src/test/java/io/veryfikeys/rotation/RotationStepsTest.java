package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.consumers.ConsumerRegistry;
import io.veryfikeys.fakes.FakeConsumers;
import io.veryfikeys.fakes.FakeRunningRotations;
import io.veryfikeys.fakes.FakeVeryfi;
import io.veryfikeys.fakes.InMemorySecrets;
import io.veryfikeys.fakes.RecordingNotifier;
import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.secrets.SecretVersions;
import io.veryfikeys.support.Json;
import io.veryfikeys.veryfi.ApiKey;
import io.veryfikeys.veryfi.VeryfiAuthException;
import io.veryfikeys.veryfi.VeryfiForbiddenException;
import io.veryfikeys.veryfi.VeryfiUnavailableException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rotation's steps one by one on in-memory ports (issue 14): Veryfi's rules, Secrets Manager's
 * labels and the consumers' answers without HTTP, moto or a state machine, in milliseconds. The
 * same steps against the simulator, moto and the real ASL are the scenario and safety suites.
 */
class RotationStepsTest {
    private static final String SECRET = "veryfi/payroll";
    private static final String STATE_MACHINE =
            "arn:aws:states:us-east-1:123456789012:stateMachine:rotation";
    private static final String EXECUTION =
            "arn:aws:states:us-east-1:123456789012:execution:rotation:run-1";
    private static final String DEPLOY =
            "{\"consumerRegistryPrefix\":\"/vkr/consumers\",\"secretNamePrefix\":\"veryfi/\","
                    + "\"pollIntervalSeconds\":60,\"requiredHealthyPolls\":1,\"pollTimeoutSeconds\":600,\"gracePeriodSeconds\":0}";

    private final FakeVeryfi veryfi = new FakeVeryfi();
    private final InMemorySecrets secrets = new InMemorySecrets();
    private final FakeConsumers consumers = new FakeConsumers();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final FakeRunningRotations running = new FakeRunningRotations();
    private final List<String> confirmed =
            java.util.Collections.synchronizedList(new ArrayList<>());
    private ApiKey first;
    private RotationSteps steps;

    @BeforeEach
    void account() {
        first = veryfi.newAccount("client-1");
        secrets.create(SECRET, InMemorySecrets.accountSecret(SECRET, first));
        steps = stepsOn(secrets);
    }

    @Test
    void aWholeRotationStepByStepMovesTheConsumerFirstAndDeletesTheOldKeyLast() {
        consumers.uses("payroll-api", first.id());
        Plan plan = steps.planRotation(request());
        assertThat(plan.action()).isEqualTo(PlanAction.ROTATE);
        assertThat(plan.currentKeyId()).isEqualTo(first.id());

        RotationState planned = state(plan, null, null);
        Created created = steps.createKey(planned);
        assertThat(steps.createKey(planned))
                .as("a retry finds its own key and makes no other")
                .isEqualTo(created);
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(first.id(), created.newKeyId());
        assertThat(secrets.labelled(SECRET, SecretVersions.PENDING)).isEqualTo(created.versionId());

        RotationState withKey = state(plan, created, null);
        assertThat(steps.verifyNewKey(withKey)).containsEntry("verified", true);
        Rollout rollout = steps.promote(withKey);
        assertThat(secrets.readCurrent(SECRET).apiKeyId()).isEqualTo(created.newKeyId());
        assertThat(secrets.labelled(SECRET, SecretVersions.PENDING)).isNull();
        assertThat(notifier.keyRotated)
                .containsExactly(
                        new KeyRotated(
                                SECRET,
                                created.newKeyId(),
                                first.id(),
                                created.versionId(),
                                "rotation",
                                "2026-12-01T10:00:00Z"));

        RotationState promoted = state(plan, created, rollout);
        assertThat(steps.pollConsumers(promoted).status())
                .as("the consumer is still on the old key")
                .isEqualTo(PollStatus.WAIT);
        assertThatThrownBy(() -> steps.deleteOldKey(promoted))
                .isInstanceOf(OldKeyStillInUseException.class)
                .hasMessageContaining("payroll-api (on key " + first.id() + ")");
        assertThat(veryfi.liveKeyIds("client-1")).contains(first.id());

        consumers.uses("payroll-api", created.newKeyId());
        assertThat(steps.pollConsumers(promoted).status()).isEqualTo(PollStatus.DONE);
        assertThat(steps.deleteOldKey(promoted)).containsEntry("deletedKeyId", first.id());
        assertThat(steps.deleteOldKey(promoted))
                .as("a repeated delete succeeds: the key is already gone")
                .containsEntry("deletedKeyId", first.id());
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(created.newKeyId());
        assertThat(confirmed)
                .as("every step that moves AWSCURRENT or deletes a key checks its state first")
                .contains("Promote", "DeleteOldKey");
        assertThat(notifier.lifecycle)
                .as("each step announces what it did, once per run of it (a retry announces again)")
                .extracting(e -> e.type().detailType())
                .containsExactly(
                        "Rotation Started",
                        "Key Created",
                        "Key Created",
                        "Consumers Moved",
                        "Old Key Deleted",
                        "Old Key Deleted");
        assertThat(notifier.lifecycle.get(3).detail())
                .containsEntry("newKeyId", created.newKeyId())
                .containsEntry(
                        "consumersVerified", java.util.List.of("payroll-api: health endpoint"));
        assertThat(notifier.lifecycle.get(4).detail())
                .containsEntry("oldKeyId", first.id())
                .containsEntry("newKeyId", created.newKeyId());
    }

    @Test
    void aKeyNoVersionHoldsBlocksThePlanAndNothingIsCreated() {
        ApiKey byHand = veryfi.addKey("client-1");
        Plan plan = steps.plan(request());
        assertThat(plan.action()).isEqualTo(PlanAction.BLOCKED);
        assertThat(plan.reason()).contains("[" + byHand.id() + "]");
        assertThat(veryfi.calls()).containsExactly("list");
    }

    @Test
    void anotherRunningRotationOfTheAccountWinsAndThisOneReadsNothingElse() {
        running.add(EXECUTION.replace("run-1", "run-0"));
        running.add(EXECUTION);
        Plan plan = steps.plan(request());
        assertThat(plan.action()).isEqualTo(PlanAction.ALREADY_RUNNING);
        assertThat(veryfi.calls()).isEmpty();
    }

    @Test
    void aNewKeyThatCannotBeStoredIsDeletedBeforeTheStepFails() {
        Plan plan = steps.plan(request());
        secrets.failNext("putPending", new IllegalStateException("Secrets Manager is down"));
        assertThatThrownBy(() -> steps.createKey(state(plan, null, null)))
                .hasMessageContaining("Secrets Manager is down");
        assertThat(veryfi.liveKeyIds("client-1"))
                .as("no orphan key: stored nowhere, so taken back")
                .containsExactly(first.id());
    }

    @Test
    void aCreateWhoseAnswerIsLostRemovesTheKeyItMadeAndAsksForARetry() {
        Plan plan = steps.plan(request());
        veryfi.loseNextCreateAnswer();
        assertThatThrownBy(() -> steps.createKey(state(plan, null, null)))
                .isInstanceOf(VeryfiUnavailableException.class);
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(first.id());
    }

    @Test
    void aResetInProgressBlocksThePlanBeforeVeryfiIsAsked() {
        String mark =
                SecretVersions.RESETTING_PREFIX
                        + Instant.parse("2026-12-01T09:59:00Z").toEpochMilli()
                        + "_abcdef12";
        secrets.addLabel(SECRET, mark, secrets.labelled(SECRET, SecretVersions.CURRENT));
        Plan plan = steps.plan(request());
        assertThat(plan.action()).isEqualTo(PlanAction.BLOCKED);
        assertThat(plan.reason()).contains("an incident reset of " + SECRET + " is in progress");
        assertThat(veryfi.calls()).isEmpty();
    }

    @Test
    void aDeadCurrentKeyBlocksThePlanAndAdvisesAReset() {
        veryfi.failNext("list", new VeryfiAuthException("not authenticated", 401, null));
        Plan plan = steps.plan(request());
        assertThat(plan.action()).isEqualTo(PlanAction.BLOCKED);
        assertThat(plan.reason())
                .startsWith(PlanGates.DEAD_CURRENT_KEY + first.id())
                .contains("reset the account");
    }

    @Test
    void aKeyThatMayNotManageKeysBlocksThePlanAndSaysNotToReset() {
        veryfi.failNext("list", new VeryfiForbiddenException("not allowed", 403, null));
        Plan plan = steps.plan(request());
        assertThat(plan.action()).isEqualTo(PlanAction.BLOCKED);
        assertThat(plan.reason()).contains("HTTP 403").contains("do not reset");
    }

    /**
     * Issue 18: Plan asks for the consumer registry and the same-account scan beside its search for
     * another rotation of the account, but reads the account's own secret only once that search has
     * answered (a rotation ending in between could otherwise leave its labels half-read).
     * Sequentially, the search would wait for reads not yet asked, and time out.
     */
    @Test
    void planReadsTheRegistryAndScanBesideTheRotationsSearchAndTheSecretOnlyAfterIt() {
        java.util.concurrent.CountDownLatch registryAsked =
                new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch scanAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean searched =
                new java.util.concurrent.atomic.AtomicBoolean();
        List<Boolean> overlapped = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Boolean> secretReadAfterSearch =
                java.util.Collections.synchronizedList(new ArrayList<>());
        io.veryfikeys.secrets.SecretStore store =
                secrets.watched(
                        (operation, args) -> {
                            if (operation.equals("sameAccountScan")) {
                                scanAsked.countDown();
                            }
                            if ((operation.equals("versions")
                                            || operation.equals("read")
                                            || operation.equals("readCurrentVersion"))
                                    && SECRET.equals(args[0])) {
                                secretReadAfterSearch.add(searched.get());
                            }
                        });
        RunningRotations rotations =
                new RunningRotations() {
                    @Override
                    public List<String> of(String stateMachineArn, String secretId) {
                        try {
                            overlapped.add(
                                    registryAsked.await(5, java.util.concurrent.TimeUnit.SECONDS)
                                            && scanAsked.await(
                                                    5, java.util.concurrent.TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        searched.set(true);
                        return List.of();
                    }

                    @Override
                    public void stop(String executionArn, String cause) {}
                };
        String registry =
                "{\"consumers\":[{\"name\":\"payroll-api\",\"healthUrl\":\"http://10.0.0.5/health\"}]}";
        RotationSteps concurrent =
                new RotationSteps(
                        new Ports(
                                store,
                                veryfi,
                                rotations,
                                notifier,
                                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC)),
                        new ConsumerRegistry(
                                () ->
                                        name -> {
                                            registryAsked.countDown();
                                            return Optional.of(registry);
                                        }),
                        consumers,
                        (state, step) -> confirmed.add(step),
                        Duration.ZERO);

        Plan plan = concurrent.planRotation(request());

        assertThat(plan.action()).isEqualTo(PlanAction.ROTATE);
        assertThat(overlapped).containsExactly(true);
        assertThat(secretReadAfterSearch).isNotEmpty().containsOnly(true);
    }

    /**
     * Issue 18: once the account is this rotation's, Plan asks for its versions and its current key
     * together (sequentially, the current key would be asked only after the versions answered, and
     * the latch would time out).
     */
    @Test
    void planAsksForTheVersionsAndTheCurrentKeyTogether() {
        java.util.concurrent.CountDownLatch versionsAsked =
                new java.util.concurrent.CountDownLatch(1);
        List<Boolean> together = java.util.Collections.synchronizedList(new ArrayList<>());
        io.veryfikeys.secrets.SecretStore store =
                secrets.watched(
                        (operation, args) -> {
                            if (operation.equals("versions") && SECRET.equals(args[0])) {
                                versionsAsked.countDown();
                            }
                            if (operation.equals("readCurrentVersion")) {
                                together.add(
                                        versionsAsked.await(
                                                5, java.util.concurrent.TimeUnit.SECONDS));
                            }
                        });

        Plan plan = stepsOn(store).planRotation(request());

        assertThat(plan.action()).isEqualTo(PlanAction.ROTATE);
        assertThat(together).containsExactly(true);
        assertThat(plan.currentKeyId()).isEqualTo(first.id());
    }

    /**
     * AWSCURRENT moved between the versions' answer and the current key's: the key is read again
     * from the version the versions name as current, so the plan never pairs one version's id with
     * another's key.
     */
    @Test
    void aCurrentKeyThatMovedBetweenTheTwoAnswersIsReadAgainFromTheVersionTheVersionsName() {
        String before = secrets.labelled(SECRET, SecretVersions.CURRENT);
        ApiKey second = veryfi.addKey("client-1");
        java.util.concurrent.CountDownLatch versionsAnswered =
                new java.util.concurrent.CountDownLatch(1);
        List<String> readById = java.util.Collections.synchronizedList(new ArrayList<>());
        io.veryfikeys.secrets.SecretStore store =
                (io.veryfikeys.secrets.SecretStore)
                        java.lang.reflect.Proxy.newProxyInstance(
                                io.veryfikeys.secrets.SecretStore.class.getClassLoader(),
                                new Class<?>[] {io.veryfikeys.secrets.SecretStore.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("readCurrentVersion")) {
                                        versionsAnswered.await(
                                                5, java.util.concurrent.TimeUnit.SECONDS);
                                    }
                                    if (method.getName().equals("read")) {
                                        readById.add((String) args[1]);
                                    }
                                    Object answer;
                                    try {
                                        answer = method.invoke(secrets, args);
                                    } catch (java.lang.reflect.InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                    if (method.getName().equals("versions")
                                            && SECRET.equals(args[0])
                                            && versionsAnswered.getCount() > 0) {
                                        // another actor moves AWSCURRENT right after this answer
                                        secrets.putCurrent(
                                                SECRET,
                                                "moved-by-another",
                                                InMemorySecrets.accountSecret(SECRET, second));
                                        versionsAnswered.countDown();
                                    }
                                    return answer;
                                });

        Plan plan = stepsOn(store).planRotation(request());

        assertThat(readById).as("read again by the versions' current id").containsExactly(before);
        assertThat(plan.currentVersionId()).isEqualTo(before);
        assertThat(plan.currentKeyId())
                .as("the key of the version the plan names, not the one that moved in")
                .isEqualTo(first.id());
    }

    /**
     * Issue 18: DeleteOldKey's reads and its last look at the consumers go out together; the
     * versions check is still the first to fail, and nothing is deleted before every answer. The
     * store's versions read waits here for the last look to have been asked: sequentially, the look
     * came only after the reads, and the latch would time out.
     */
    @Test
    void deleteOldKeyLooksAtTheConsumersBesideItsReads() {
        Promoted rotation = promoted();
        Created created = rotation.created();
        RotationState promoted = rotation.state();
        consumers.uses("payroll-api", created.newKeyId());

        java.util.concurrent.CountDownLatch lookAsked = new java.util.concurrent.CountDownLatch(1);
        List<Boolean> together = java.util.Collections.synchronizedList(new ArrayList<>());
        io.veryfikeys.secrets.SecretStore store = versionsWaitingFor(() -> lookAsked, together);
        io.veryfikeys.consumers.ConsumerChecks looked =
                list -> {
                    lookAsked.countDown();
                    return consumers.check(list);
                };
        RotationSteps deleting = stepsOn(store, looked);

        assertThat(deleting.deleteOldKey(promoted)).containsEntry("deletedKeyId", first.id());
        assertThat(together).isNotEmpty().containsOnly(true);
        assertThat(veryfi.liveKeyIds("client-1")).containsExactly(created.newKeyId());
    }

    /**
     * A versions check that fails still fails DeleteOldKey first, whatever the last look says, and
     * no key is deleted.
     */
    @Test
    void deleteOldKeyStillRefusesOnTheVersionsCheckFirstAndDeletesNothing() {
        Promoted rotation = promoted();
        Plan plan = rotation.plan();
        Created created = rotation.created();
        RotationState promoted = rotation.state();
        // Someone put the old version back as AWSCURRENT; the consumer is still on the old key too.
        secrets.moveCurrent(SECRET, created.versionId(), plan.currentVersionId());

        assertThatThrownBy(() -> steps.deleteOldKey(promoted))
                .isInstanceOf(RotationConflictException.class)
                .hasMessageContaining("AWSCURRENT of " + SECRET + " is not version");
        assertThat(veryfi.liveKeyIds("client-1")).contains(first.id(), created.newKeyId());
    }

    /**
     * Issue 18: Promote and DeleteOldKey read their execution's record beside their first read of
     * the secret. The versions read waits here for the record to have been asked: sequentially, the
     * record was asked only after the versions answered, and the latch would time out.
     */
    @Test
    void promoteAndDeleteOldKeyReadTheirRecordBesideTheVersions() {
        Verified verified = verified();
        Plan plan = verified.plan();
        Created created = verified.created();
        RotationState withKey = verified.state();

        // A latch of its own for each step, so that DeleteOldKey's cannot pass on Promote's.
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch>
                recordAsked =
                        new java.util.concurrent.atomic.AtomicReference<>(
                                new java.util.concurrent.CountDownLatch(1));
        List<Boolean> together = java.util.Collections.synchronizedList(new ArrayList<>());
        io.veryfikeys.secrets.SecretStore store = versionsWaitingFor(recordAsked::get, together);
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        RotationSteps watching =
                stepsOn(
                        store,
                        consumers,
                        (state, step) -> {
                            asked.add(step);
                            recordAsked.get().countDown();
                        });

        Rollout rollout = watching.promote(withKey);
        assertThat(together).as("Promote").isNotEmpty().containsOnly(true);
        consumers.uses("payroll-api", created.newKeyId());
        together.clear();
        recordAsked.set(new java.util.concurrent.CountDownLatch(1));
        assertThat(watching.deleteOldKey(state(plan, created, rollout)))
                .containsEntry("deletedKeyId", first.id());
        assertThat(together).as("DeleteOldKey").isNotEmpty().containsOnly(true);
        assertThat(asked).containsExactly("Promote", "DeleteOldKey");
    }

    /**
     * A forged state is still refused where Promote checked it before, with its alert and nothing
     * moved; and a versions conflict still refuses first, with no forged-state alert, though the
     * record was read beside it and says forged.
     */
    @Test
    void promoteJudgesItsEarlyReadRecordWhereItCheckedItBefore() {
        Verified verified = verified();
        Plan plan = verified.plan();
        Created created = verified.created();
        RotationState withKey = verified.state();
        RotationSteps forged =
                stepsOn(
                        secrets,
                        consumers,
                        (state, step) -> {
                            throw new ForgedStateException(step + " refused: forged for the test");
                        });

        assertThatThrownBy(() -> forged.promote(withKey)).isInstanceOf(ForgedStateException.class);
        assertThat(notifier.alerts).extracting(a -> a.result()).containsExactly("FORGED_STATE");
        assertThat(secrets.labelled(SECRET, SecretVersions.CURRENT))
                .isEqualTo(plan.currentVersionId());

        notifier.alerts.clear();
        secrets.putCurrent(SECRET, "someone-else", InMemorySecrets.accountSecret(SECRET, first));
        assertThatThrownBy(() -> forged.promote(withKey))
                .isInstanceOf(RotationConflictException.class)
                .hasMessageContaining("moved since planning");
        assertThat(notifier.alerts).isEmpty();
    }

    /** A rotation of the account up to its promoted key, the consumer still on the old one. */
    private record Promoted(Plan plan, Created created, RotationState state) {}

    private Promoted promoted() {
        Verified verified = verified();
        return new Promoted(
                verified.plan(),
                verified.created(),
                state(verified.plan(), verified.created(), steps.promote(verified.state())));
    }

    /** A rotation of the account up to its verified new key, the consumer on the old one. */
    private record Verified(Plan plan, Created created, RotationState state) {}

    private Verified verified() {
        consumers.uses("payroll-api", first.id());
        Plan plan = steps.planRotation(request());
        Created created = steps.createKey(state(plan, null, null));
        RotationState withKey = state(plan, created, null);
        steps.verifyNewKey(withKey);
        return new Verified(plan, created, withKey);
    }

    /**
     * The secrets, each versions read of which first waits (5 s at most) for {@code latch}'s count
     * to reach zero and records in {@code came} whether it did: sequentially made, the call that
     * counts it down would come only after the versions answered.
     */
    private io.veryfikeys.secrets.SecretStore versionsWaitingFor(
            java.util.function.Supplier<java.util.concurrent.CountDownLatch> latch,
            List<Boolean> came) {
        return secrets.watched(
                (operation, args) -> {
                    if (operation.equals("versions")) {
                        came.add(latch.get().await(5, java.util.concurrent.TimeUnit.SECONDS));
                    }
                });
    }

    private RotationSteps stepsOn(io.veryfikeys.secrets.SecretStore store) {
        return stepsOn(store, consumers);
    }

    private RotationSteps stepsOn(
            io.veryfikeys.secrets.SecretStore store,
            io.veryfikeys.consumers.ConsumerChecks checks) {
        return stepsOn(store, checks, (state, step) -> confirmed.add(step));
    }

    private RotationSteps stepsOn(
            io.veryfikeys.secrets.SecretStore store,
            io.veryfikeys.consumers.ConsumerChecks checks,
            ExecutionRecord record) {
        String registry =
                "{\"consumers\":[{\"name\":\"payroll-api\",\"healthUrl\":\"http://10.0.0.5/health\"}]}";
        return new RotationSteps(
                new Ports(
                        store,
                        veryfi,
                        running,
                        notifier,
                        Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC)),
                new ConsumerRegistry(() -> name -> Optional.of(registry)),
                checks,
                record,
                Duration.ZERO);
    }

    private static PlanRequest request() {
        try {
            JsonNode input = Json.MAPPER.readTree("{\"secretId\":\"" + SECRET + "\"}");
            return new PlanRequest(
                    input, EXECUTION, STATE_MACHINE, Json.MAPPER.readTree(DEPLOY), false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RotationState state(Plan plan, Created created, Rollout rollout) {
        return new RotationState(
                SECRET, plan, created, null, rollout, null, null, null, null, null, null, null);
    }
}
