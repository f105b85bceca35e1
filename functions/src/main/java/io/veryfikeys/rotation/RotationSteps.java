package io.veryfikeys.rotation;

import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.ConsumerChecks;
import io.veryfikeys.consumers.ConsumerRegistry;
import io.veryfikeys.consumers.ConsumerReport;
import io.veryfikeys.lambda.Concurrently;
import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.secrets.AccountSecret;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.secrets.SecretStore;
import io.veryfikeys.secrets.SecretVersions;
import io.veryfikeys.support.Fields;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import io.veryfikeys.support.SecretIds;
import io.veryfikeys.veryfi.ApiKey;
import io.veryfikeys.veryfi.KeyLimitReachedException;
import io.veryfikeys.veryfi.KeyNotFoundException;
import io.veryfikeys.veryfi.MalformedResponseException;
import io.veryfikeys.veryfi.RequestBudget;
import io.veryfikeys.veryfi.VeryfiAnswerLostException;
import io.veryfikeys.veryfi.VeryfiAuthException;
import io.veryfikeys.veryfi.VeryfiForbiddenException;
import io.veryfikeys.veryfi.VeryfiKeys;
import io.veryfikeys.veryfi.VeryfiUnavailableException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The rotation protocol, one method per state of {@code statemachine/rotation.asl.json}. Every
 * method is idempotent: the staging labels in Secrets Manager and the live keys at Veryfi are the
 * state, the version id (derived from the execution) is the token, and a repeated call finds its
 * own earlier work and returns the same answer.
 */
public final class RotationSteps {
    private static final Log LOG = Log.get(RotationSteps.class);

    /** What a rotation's execution input may hold: the account and the settings it may override. */
    static final List<String> INPUT_FIELDS =
            List.of(
                    "secretId",
                    "pollIntervalSeconds",
                    "requiredHealthyPolls",
                    "pollTimeoutSeconds",
                    "gracePeriodSeconds");

    private final SecretStore secrets;
    private final VeryfiKeys veryfi;
    private final ConsumerRegistry registry;
    private final ConsumerChecks health;
    private final RunningRotations running;
    private final Notifier notifications;
    private final Clock clock;
    private final Duration verifyRetryDelay;
    private final ExecutionRecord record;
    private final FleetScans fleetScans = new FleetScans();

    /**
     * {@code verifyRetryDelay}: the wait before asking Veryfi again about a new key it did not
     * accept yet.
     */
    public RotationSteps(
            Ports ports,
            ConsumerRegistry registry,
            ConsumerChecks health,
            ExecutionRecord record,
            Duration verifyRetryDelay) {
        this.secrets = ports.secrets();
        this.veryfi = ports.veryfi();
        this.running = ports.running();
        this.notifications = ports.notifier();
        this.clock = ports.clock();
        this.registry = registry;
        this.health = health;
        this.record = record;
        this.verifyRetryDelay = verifyRetryDelay;
    }

    // ---------------------------------------------------------------- Plan (reads only)

    public Plan plan(PlanRequest request) {
        if (request.input() == null || !request.input().isObject()) {
            throw new InvalidInputException(
                    "the execution input must be a JSON object with a secretId");
        }
        Fields.requireKnown(request.input(), "the execution input", INPUT_FIELDS);
        String secretId =
                SecretIds.validate(
                        request.input().path("secretId").isTextual()
                                ? request.input().get("secretId").asText()
                                : null);
        DeploySettings deployed = DeploySettings.from(request.deploySettings());
        RequestBudget.use(deployed.veryfiRequestsPerSecond());
        RotationSettings settings =
                deployed.rotation().withOverrides(request.input()).withinHistoryBudget();
        Log.context("account", secretId);
        Log.context("executionId", request.executionId());

        // Reads that neither depend on each other nor on the account's state go out together
        // with the search for another rotation (issue 18); each is joined where it was read
        // before. The account's own secret is read only once no other rotation owns it.
        Concurrently.Call<List<Consumer>> consumersRead =
                Concurrently.start(
                        () -> registry.consumersOf(deployed.consumerRegistryPrefix(), secretId));
        Concurrently.Call<SameAccountSecrets.Scan> scanRead =
                Concurrently.start(
                        () ->
                                fleetScans.scan(
                                        deployed.secretNamePrefix(),
                                        request.executionId(),
                                        clock.instant(),
                                        () ->
                                                secrets.sameAccountScan(
                                                        deployed.secretNamePrefix())));
        Optional<String> alreadyRunning =
                PlanGates.alreadyRunning(
                        secretId,
                        running.ownerOtherThan(
                                request.stateMachineArn(), secretId, request.executionId()));
        if (alreadyRunning.isPresent()) {
            return decided(
                    new Plan(
                            PlanAction.ALREADY_RUNNING,
                            alreadyRunning.get(),
                            secretId,
                            null,
                            null,
                            0,
                            null,
                            List.of(),
                            List.of(),
                            settings,
                            null,
                            request.executionId(),
                            List.of(),
                            deployed.veryfiRequestsPerSecond()));
        }

        // Now that the account is this rotation's, its versions and its current key are read
        // together: if AWSCURRENT moved between the two answers, the key is read again from the
        // version the versions name, as it was read before (issue 18: one round trip less).
        Concurrently.Call<SecretStore.Current> currentRead =
                Concurrently.start(() -> secrets.readCurrentVersion(secretId));
        SecretVersions versions = secrets.versions(secretId);
        SecretStore.Current read = currentRead.join();
        AccountSecret current =
                versions.currentVersionId().equals(read.versionId())
                        ? read.secret()
                        : secrets.read(secretId, versions.currentVersionId());
        List<Consumer> consumers = consumersRead.join();
        Found found =
                new Found(
                        secretId,
                        versions,
                        current,
                        consumers,
                        settings,
                        request.executionId(),
                        deployed.veryfiRequestsPerSecond());
        Optional<String> resetting =
                PlanGates.resetInProgress(secretId, versions.resetInProgressSince(clock.instant()));
        if (resetting.isPresent()) {
            return blocked(resetting.get(), found, List.of());
        }
        // Another secret holding this account would keep the old key, which this rotation deletes.
        SameAccountSecrets.Scan scan = scanRead.join();
        SameAccountSecrets.Verdict sameAccount =
                SameAccountSecrets.judge(secretId, current, deployed.secretNamePrefix(), scan);
        if (sameAccount.refusal() != null) {
            return blocked(sameAccount.refusal(), found, List.of());
        }
        if (!scan.unreadable().isEmpty()) {
            LOG.warn("plan.unreadable_secrets", "secrets", String.join(",", scan.unreadable()));
        }
        List<LinkedCopy> linked = new ArrayList<>();
        List<Consumer> allConsumers = new ArrayList<>(consumers);
        for (String copy : sameAccount.linked()) {
            linked.add(new LinkedCopy(copy, secrets.versions(copy).currentVersionId()));
            for (Consumer consumer :
                    registry.consumersOf(deployed.consumerRegistryPrefix(), copy)) {
                allConsumers.add(consumer.renamed(copy + ":" + consumer.name()));
            }
        }
        consumers = List.copyOf(allConsumers);
        found = found.withConsumers(consumers);

        List<Long> live = List.of();
        PlanGates.CurrentKeyAnswer answer = PlanGates.CurrentKeyAnswer.LISTED;
        int status = 200;
        try {
            live = veryfi.listKeyIds(current.account(), current.apiKey());
        } catch (VeryfiForbiddenException e) {
            answer = PlanGates.CurrentKeyAnswer.FORBIDDEN;
            status = e.status();
        } catch (VeryfiAuthException e) {
            answer = PlanGates.CurrentKeyAnswer.UNAUTHENTICATED;
            status = e.status();
        }
        Optional<String> keyRefused =
                PlanGates.currentKey(answer, status, current.apiKeyId(), live);
        if (keyRefused.isPresent()) {
            return blocked(keyRefused.get(), found, live);
        }

        List<Consumer> checked = consumers;
        KeyPlan.Verdict keys =
                KeyPlan.decide(
                        current.apiKeyId(),
                        live,
                        new KeyPlan.Facts() {
                            @Override
                            public Long pendingKeyId() {
                                return keyIdOf(secretId, versions.pendingVersionId());
                            }

                            @Override
                            public Long previousKeyId() {
                                return keyIdOf(secretId, versions.previousVersionId());
                            }

                            @Override
                            public List<String> mayUse(long keyId) {
                                return health.check(checked).stream()
                                        .filter(r -> r.uses(keyId) || !r.reachable())
                                        .map(ConsumerReport::name)
                                        .toList();
                            }

                            @Override
                            public Long surplusKeyId() {
                                return keyIdOf(secretId, versions.surplusVersionId());
                            }
                        });
        String versionId = tokenFor(request.executionId(), secretId);
        if (keys.resumePending()) {
            versionId = versions.pendingVersionId().orElseThrow();
            LOG.info("plan.resume_pending", "versionId", versionId);
        }
        return switch (keys.action()) {
            case FINISH_PREVIOUS ->
                    answer(
                            PlanAction.FINISH_PREVIOUS,
                            "key "
                                    + keys.previousKeyId()
                                    + " (AWSPREVIOUS)"
                                    + " is still live and "
                                    + String.join(", ", keys.onPrevious())
                                    + " may still use it:"
                                    + " finishing that rotation first",
                            found,
                            versionId,
                            null,
                            live,
                            new Rollout(
                                    current.apiKeyId(),
                                    keys.previousKeyId(),
                                    versions.currentVersionId(),
                                    versions.previousVersionId().orElseThrow()),
                            linked);
            case BLOCKED ->
                    blocked(
                            "Veryfi has key(s) "
                                    + keys.unknown()
                                    + " that no version of "
                                    + secretId
                                    + " holds: refusing to guess which key to delete; remove the unknown key in the Veryfi portal"
                                    + " or store it in the secret, then run again",
                            found,
                            live);
            default ->
                    answer(
                            PlanAction.ROTATE,
                            keys.staleKeyId() == null
                                    ? "rotating key " + current.apiKeyId()
                                    : "rotating key "
                                            + current.apiKeyId()
                                            + " after removing unused key "
                                            + keys.staleKeyId()
                                            + " (AWSPREVIOUS, or a reset's surplus)",
                            found,
                            versionId,
                            keys.staleKeyId(),
                            live,
                            null,
                            linked);
        };
    }

    /** The key id a version of the secret holds; null when there is no such version. */
    private Long keyIdOf(String secretId, Optional<String> versionId) {
        return versionId.map(v -> secrets.read(secretId, v).apiKeyId()).orElse(null);
    }

    /**
     * The Plan state: {@link #plan}, and the Rotation Started event when it decided to rotate or to
     * finish an earlier rotation (a refusal or an execution already running ends in its Report).
     */
    public Plan planRotation(PlanRequest request) {
        Plan plan = plan(request);
        if (plan.action() == PlanAction.ROTATE || plan.action() == PlanAction.FINISH_PREVIOUS) {
            notifications.lifecycle(
                    LifecycleEvent.rotationStarted(
                            plan.secretId(),
                            plan.executionId(),
                            plan.action().name(),
                            plan.currentKeyId(),
                            clock.instant().toString()));
        }
        return plan;
    }

    /**
     * The doctor's question: what would the next run decide, and does every consumer answer with
     * the AWSCURRENT key? Plan reads only, so this is Plan itself, plus one round of health checks.
     */
    public Checkup checkup(PlanRequest request) {
        Plan plan = plan(request);
        return new Checkup(
                plan, plan.consumers().isEmpty() ? List.of() : health.check(plan.consumers()));
    }

    /**
     * The version id of this execution's new key: the same on every retry of the same execution.
     */
    static String tokenFor(String executionId, String secretId) {
        return UUID.nameUUIDFromBytes(
                        (executionId + "|" + secretId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** What Plan read of the account before it decides: what every plan it returns names. */
    private record Found(
            String secretId,
            SecretVersions versions,
            AccountSecret current,
            List<Consumer> consumers,
            RotationSettings settings,
            String executionId,
            Integer veryfiRequestsPerSecond) {
        /** The same facts, with the linked copies' consumers added to the account's own. */
        Found withConsumers(List<Consumer> all) {
            return new Found(
                    secretId,
                    versions,
                    current,
                    all,
                    settings,
                    executionId,
                    veryfiRequestsPerSecond);
        }
    }

    private Plan blocked(String reason, Found found, List<Long> live) {
        LOG.warn("plan.blocked", "reason", reason);
        return answer(PlanAction.BLOCKED, reason, found, null, null, live, null, List.of());
    }

    /**
     * The Plan step's answer: a rotation, the finish of an interrupted one ({@code rollout}), or a
     * refusal ({@link PlanAction#BLOCKED}, with nothing to roll out).
     */
    private Plan answer(
            PlanAction action,
            String reason,
            Found found,
            String versionId,
            Long staleKeyId,
            List<Long> live,
            Rollout rollout,
            List<LinkedCopy> linked) {
        return decided(
                new Plan(
                        action,
                        reason,
                        found.secretId(),
                        versionId,
                        found.versions().currentVersionId(),
                        found.current().apiKeyId(),
                        staleKeyId,
                        List.copyOf(live),
                        found.consumers(),
                        found.settings(),
                        rollout,
                        found.executionId(),
                        linked,
                        found.veryfiRequestsPerSecond()));
    }

    private static Plan decided(Plan plan) {
        LOG.info(
                "plan.decided",
                "action",
                plan.action(),
                "reason",
                plan.reason(),
                "keyId",
                plan.currentKeyId(),
                "linkedCopies",
                plan.linkedCopies().stream().map(LinkedCopy::secretId).toList().toString());
        return plan;
    }

    // ---------------------------------------------------------------- Create

    /**
     * The CreateKey state: {@link #create}, then the Key Created event (on a retry that finds the
     * key already made too: delivery is at least once, never lost to a timeout between the two).
     */
    public Created createKey(RotationState state) {
        Created created = create(state);
        notifications.lifecycle(
                LifecycleEvent.keyCreated(
                        state.plan().secretId(),
                        state.plan().executionId(),
                        created.newKeyId(),
                        created.versionId(),
                        clock.instant().toString()));
        return created;
    }

    private Created create(RotationState state) {
        Plan plan = requirePlan(state);
        String secretId = plan.secretId();
        SecretVersions versions = secrets.versions(secretId);

        if (versions.isPending(plan.versionId()) || versions.isCurrent(plan.versionId())) {
            long keyId = secrets.read(secretId, plan.versionId()).apiKeyId();
            LOG.info("create.already_done", "versionId", plan.versionId(), "keyId", keyId);
            return new Created(plan.versionId(), keyId);
        }
        if (!versions.isCurrent(plan.currentVersionId())) {
            throw new RotationConflictException(
                    "AWSCURRENT of " + secretId + " moved since planning; run the rotation again");
        }
        AccountSecret current = secrets.read(secretId, plan.currentVersionId());

        if (plan.staleKeyId() != null) {
            confirm(state, "CreateKey");
            // Only a key the secret itself holds as AWSPREVIOUS or VERYFI_SURPLUS is ever stale.
            boolean heldAsStale =
                    versions.previousVersionId()
                                    .filter(
                                            v ->
                                                    secrets.read(secretId, v).apiKeyId()
                                                            == plan.staleKeyId())
                                    .isPresent()
                            || versions.surplusVersionId()
                                    .filter(
                                            v ->
                                                    secrets.read(secretId, v).apiKeyId()
                                                            == plan.staleKeyId())
                                    .isPresent();
            if (!heldAsStale || plan.staleKeyId() == current.apiKeyId()) {
                throw new RotationConflictException(
                        "stale key "
                                + plan.staleKeyId()
                                + " is no longer held by the AWSPREVIOUS"
                                + " or VERYFI_SURPLUS version of "
                                + secretId
                                + ": not deleting it; run the rotation again");
            }
            deleteIfPresent(current, plan.staleKeyId(), "create.removed_stale_previous");
        }

        ApiKey created;
        try {
            created = veryfi.createKey(current.account(), current.apiKey());
        } catch (VeryfiAnswerLostException | MalformedResponseException e) {
            if (e instanceof MalformedResponseException
                    && (e.status() < 200 || e.status() >= 300)) {
                throw e;
            }
            // This attempt's create was sent and its answer is lost (or unreadable although Veryfi
            // said 2xx): Veryfi may have made a key whose value nobody has. A key that appeared
            // since the plan is taken to be that one: only this execution's own lost create
            // justifies a delete.
            if (removeOwnOrphan(state, current, plan) > 0) {
                throw new VeryfiUnavailableException(
                        "the create's answer was lost; removed the key it made,"
                                + " retry the create",
                        e.status(),
                        e);
            }
            // Veryfi may still perform it: the state machine records that this happened
            // ($.lostCreate) and runs the create again, which may then remove the late orphan.
            throw e instanceof VeryfiAnswerLostException lost
                    ? lost
                    : new VeryfiAnswerLostException(
                            "Veryfi answered the create with HTTP "
                                    + e.status()
                                    + " but the answer could not be read: a key was made whose id and value are unknown",
                            e);
        } catch (KeyLimitReachedException e) {
            List<Long> unknown = keysCreatedSincePlan(current, plan);
            if (unknown.isEmpty()) {
                throw e;
            }
            if (state.lostCreate() != null && unknown.size() == 1) {
                // An earlier attempt of this step lost its answer, and Veryfi performed it after
                // that attempt's own check: the key holds the slot and is stored nowhere. Remove
                // it, retry.
                confirm(state, "CreateKey");
                deleteIfPresent(current, unknown.get(0), "create.orphan_deleted_after_lost_answer");
                throw new VeryfiUnavailableException(
                        "key limit reached because of the key "
                                + unknown.get(0)
                                + " made by an earlier create of this rotation whose answer was lost; removed it, retry the"
                                + " create",
                        e.status(),
                        e);
            }
            throw new UnknownKeyException(
                    "Veryfi's key limit is reached because of key "
                            + unknown
                            + ", which appeared since this rotation planned and which it did not create: a person or another"
                            + " system holds it, and deleting it could lock that holder out. Nothing was deleted. Store that"
                            + " key in the secret or delete it at Veryfi, then run the rotation again.",
                    unknown);
        }
        LOG.info("create.key_created", "keyId", created.id(), "versionId", plan.versionId());
        try {
            secrets.putPending(
                    secretId,
                    plan.versionId(),
                    current.withKey(created.id(), created.value())
                            .withStoredBy(
                                    "rotation",
                                    plan.executionId(),
                                    plan.versionId(),
                                    clock.instant().toString()));
        } catch (RuntimeException storeFailure) {
            // A key whose value is stored nowhere is an orphan: take it back before failing.
            deleteIfPresent(current, created.id(), "create.orphan_deleted_after_store_failure");
            throw storeFailure;
        }
        LOG.info("create.stored_pending", "keyId", created.id(), "versionId", plan.versionId());
        return new Created(plan.versionId(), created.id());
    }

    /**
     * Keys live at Veryfi now that were not when the rotation planned (the list's answer, sorted).
     */
    private List<Long> keysCreatedSincePlan(AccountSecret current, Plan plan) {
        return veryfi.listKeyIds(current.account(), current.apiKey()).stream()
                .filter(id -> !plan.knownKeyIds().contains(id))
                .toList();
    }

    /**
     * Right after this attempt's create lost its answer: a key that appeared since the plan is the
     * one it made (at most one fits beside AWSCURRENT), stored nowhere. Returns how many it
     * removed; a failed check removes nothing and the state machine's record of the lost answer
     * takes over.
     */
    private int removeOwnOrphan(RotationState state, AccountSecret current, Plan plan) {
        try {
            List<Long> appeared = keysCreatedSincePlan(current, plan);
            if (appeared.size() != 1) {
                return 0;
            }
            confirm(state, "CreateKey");
            deleteIfPresent(current, appeared.get(0), "create.orphan_deleted_after_lost_answer");
            return 1;
        } catch (ForgedStateException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("create.orphan_check_failed", "errorType", e.getClass().getName());
            return 0;
        }
    }

    // ---------------------------------------------------------------- Verify

    public Map<String, Object> verifyNewKey(RotationState state) {
        Created created = requireCreated(state);
        String secretId = state.plan().secretId();
        AccountSecret pending = secrets.read(secretId, created.versionId());
        if (pending.apiKeyId() != created.newKeyId()) {
            throw new RotationConflictException(
                    "version "
                            + created.versionId()
                            + " holds key "
                            + pending.apiKeyId()
                            + ", expected "
                            + created.newKeyId());
        }
        int attempts = 4;
        for (int attempt = 1; ; attempt++) {
            try {
                List<Long> live = veryfi.listKeyIds(pending.account(), pending.apiKey());
                LOG.info(
                        "verify.accepted",
                        "keyId",
                        created.newKeyId(),
                        "attempt",
                        attempt,
                        "liveKeyIds",
                        live.toString());
                return Map.of("keyId", created.newKeyId(), "verified", true);
            } catch (VeryfiAuthException e) {
                // A new key can take a moment to propagate at Veryfi: retry a few times, then give
                // up. A 403 is an answer, not a delay: the key exists but may not do what the old
                // one does.
                LOG.warn(
                        "verify.rejected",
                        "keyId",
                        created.newKeyId(),
                        "attempt",
                        attempt,
                        "status",
                        e.status());
                if (e instanceof VeryfiForbiddenException) {
                    throw new NewKeyRejectedException(
                            "Veryfi does not allow new key "
                                    + created.newKeyId()
                                    + " the key-management API (HTTP 403) although it allowed the old one");
                }
                if (attempt >= attempts) {
                    throw new NewKeyRejectedException(
                            "Veryfi rejected new key "
                                    + created.newKeyId()
                                    + " "
                                    + attempts
                                    + " times (status "
                                    + e.status()
                                    + ")");
                }
                sleep(verifyRetryDelay);
            }
        }
    }

    // ---------------------------------------------------------------- Promote

    public Rollout promote(RotationState state) {
        Created created = requireCreated(state);
        Plan plan = state.plan();
        String secretId = plan.secretId();
        Concurrently.Call<Void> recordRead = readRecord(state, "Promote");
        SecretVersions versions = secrets.versions(secretId);
        if (!versions.isCurrent(created.versionId())) {
            if (!versions.isCurrent(plan.currentVersionId())) {
                throw new RotationConflictException(
                        "AWSCURRENT of "
                                + secretId
                                + " moved since planning; not promoting: "
                                + whoChanged(secretId, versions, plan.currentVersionId()));
            }
            confirm(state, "Promote", recordRead);
            storeInLinkedCopies(plan, created);
            secrets.moveCurrent(secretId, plan.currentVersionId(), created.versionId());
            LOG.info(
                    "promote.moved_current",
                    "keyId",
                    created.newKeyId(),
                    "versionId",
                    created.versionId());
        }
        if (versions.isPending(created.versionId())) {
            secrets.removeLabel(secretId, SecretVersions.PENDING, created.versionId());
        }
        Rollout rollout =
                new Rollout(
                        created.newKeyId(),
                        plan.currentKeyId(),
                        created.versionId(),
                        plan.currentVersionId());
        publishKeyRotated(
                secretId,
                rollout.newKeyId(),
                rollout.oldKeyId(),
                rollout.newVersionId(),
                "rotation");
        for (LinkedCopy copy : plan.linkedCopies()) {
            publishKeyRotated(
                    copy.secretId(),
                    rollout.newKeyId(),
                    rollout.oldKeyId(),
                    rollout.newVersionId(),
                    "rotation");
        }
        return rollout;
    }

    /**
     * Before the rotated secret's own AWSCURRENT moves: each linked copy gets the new key as its
     * AWSCURRENT, under this rotation's version id (so a retry finds it stored), keeping the copy's
     * own other members. A copy whose AWSCURRENT someone else moved since the plan stops the
     * rotation.
     */
    private void storeInLinkedCopies(Plan plan, Created created) {
        if (plan.linkedCopies().isEmpty()) {
            return;
        }
        AccountSecret pending = secrets.read(plan.secretId(), created.versionId());
        for (LinkedCopy copy : plan.linkedCopies()) {
            SecretVersions copyVersions = secrets.versions(copy.secretId());
            if (copyVersions.isCurrent(created.versionId())) {
                continue;
            }
            if (!copyVersions.isCurrent(copy.currentVersionId())) {
                throw new RotationConflictException(
                        "AWSCURRENT of linked secret "
                                + copy.secretId()
                                + " moved since"
                                + " planning; not promoting: "
                                + whoChanged(
                                        copy.secretId(), copyVersions, copy.currentVersionId()));
            }
            AccountSecret copyCurrent = secrets.read(copy.secretId(), copy.currentVersionId());
            secrets.putCurrent(
                    copy.secretId(),
                    created.versionId(),
                    copyCurrent
                            .withKey(created.newKeyId(), pending.apiKey())
                            .withStoredBy(
                                    "rotation",
                                    plan.executionId(),
                                    created.versionId(),
                                    clock.instant().toString()));
            LOG.info(
                    "promote.stored_in_linked_copy",
                    "linkedSecret",
                    copy.secretId(),
                    "keyId",
                    created.newKeyId());
        }
    }

    /**
     * Who put the version now AWSCURRENT there, for a conflict's message: the operation recorded in
     * the version ({@code storedBy}, trusted only for the version it names), or a person, and the
     * keys as they are now. Best effort: a conflict is reported whatever this can find out.
     */
    private String whoChanged(String secretId, SecretVersions versions, String oldVersionId) {
        String version = versions.currentVersionId();
        if (version == null) {
            return "no version of " + secretId + " is AWSCURRENT now";
        }
        try {
            AccountSecret now = secrets.read(secretId, version);
            String who =
                    version.equals(oldVersionId)
                            ? "a person or another tool moved AWSCURRENT back to the old version "
                                    + version
                            : "AWSCURRENT is now version "
                                    + version
                                    + ", stored by "
                                    + now.storedBy(version)
                                            .orElse(
                                                    versions.resetMarks().isEmpty()
                                                            ? "hand or another tool (it has no storedBy record)"
                                                            : "an incident reset still in progress");
            String keys;
            try {
                keys = "live keys at Veryfi " + veryfi.listKeyIds(now.account(), now.apiKey());
            } catch (RuntimeException e) {
                keys = "Veryfi does not accept that key (" + e.getClass().getSimpleName() + ")";
            }
            return who + "; it holds key " + now.apiKeyId() + ", " + keys;
        } catch (RuntimeException e) {
            return "AWSCURRENT is now version "
                    + version
                    + " (not readable: "
                    + e.getClass().getSimpleName()
                    + ")";
        }
    }

    private void publishKeyRotated(
            String secretId, long keyId, long previousKeyId, String versionId, String reason) {
        notifications.keyRotated(
                new KeyRotated(
                        secretId,
                        keyId,
                        previousKeyId,
                        versionId,
                        reason,
                        clock.instant().toString()));
    }

    // ---------------------------------------------------------------- Poll consumers

    /** One poll of every consumer; in a revert, the target is the old key again. */
    public PollState pollConsumers(RotationState state) {
        boolean reverting = state.revert() != null;
        Rollout rollout = reverting ? state.revert() : state.currentRollout();
        requirePlanAndRollout(state, rollout, "pollConsumers");
        long target = reverting ? rollout.oldKeyId() : rollout.newKeyId();
        long away = reverting ? rollout.newKeyId() : rollout.oldKeyId();
        PollState previous = reverting ? state.revertPoll() : state.poll();

        // Consumers follow AWSCURRENT: if someone else moved it, waiting for them is waiting for
        // nothing.
        requireCurrentAsSet(state.plan(), rollout, reverting, "stopping, nothing deleted");

        List<ConsumerReport> reports = health.check(state.plan().consumers());
        for (ConsumerReport report : reports) {
            LOG.info(
                    "poll.consumer",
                    "consumer",
                    report.name(),
                    "reportedKeyId",
                    report.keyId(),
                    "healthy",
                    report.healthy(),
                    "problem",
                    report.problem(),
                    "targetKeyId",
                    target);
        }
        PollState next =
                PollDecision.next(
                        previous,
                        reports,
                        target,
                        reverting,
                        state.plan().settings(),
                        clock.millis());
        LOG.info(
                "poll.result",
                "status",
                next.status(),
                "targetKeyId",
                target,
                "awayKeyId",
                away,
                "polls",
                next.polls(),
                "consecutiveHealthy",
                next.consecutiveHealthy(),
                "lagging",
                String.join(",", next.lagging()));
        Metrics.put(Metric.CONSUMERS_LAGGING, next.lagging().size(), state.plan().secretId());
        if (next.status() == PollStatus.DONE && !reverting) {
            notifications.lifecycle(
                    LifecycleEvent.consumersMoved(
                            state.plan().secretId(),
                            state.plan().executionId(),
                            target,
                            next.verified(),
                            next.polls(),
                            clock.instant().toString()));
        }
        return next;
    }

    /**
     * Consumers follow AWSCURRENT: the rotated secret's and each linked copy's must still be the
     * version this rotation (or its revert) set, else someone else changed it and waiting or
     * deleting acts on keys nobody reads any more. The error says who changed it and the keys now.
     */
    private void requireCurrentAsSet(
            Plan plan, Rollout rollout, boolean reverting, String consequence) {
        List<String[]> expected = new ArrayList<>();
        expected.add(
                new String[] {
                    plan.secretId(),
                    reverting ? rollout.oldVersionId() : rollout.newVersionId(),
                    reverting ? rollout.newVersionId() : rollout.oldVersionId()
                });
        // Finishing an interrupted rotation changes no copy: each keeps the version it had when
        // planned.
        boolean copiesUnchanged = plan.action() == PlanAction.FINISH_PREVIOUS;
        for (LinkedCopy copy : plan.linkedCopies()) {
            expected.add(
                    new String[] {
                        copy.secretId(),
                        reverting || copiesUnchanged
                                ? copy.currentVersionId()
                                : rollout.newVersionId(),
                        reverting ? rollout.newVersionId() : copy.currentVersionId()
                    });
        }
        for (String[] secret : expected) {
            SecretVersions versions = secrets.versions(secret[0]);
            if (!versions.isCurrent(secret[1])) {
                throw new RotationConflictException(
                        "AWSCURRENT of "
                                + secret[0]
                                + " is not version "
                                + secret[1]
                                + " (key "
                                + (reverting ? rollout.oldKeyId() : rollout.newKeyId())
                                + ") that this rotation set: "
                                + whoChanged(secret[0], versions, secret[2])
                                + ". "
                                + consequence
                                + " (old key "
                                + rollout.oldKeyId()
                                + ", new key "
                                + rollout.newKeyId()
                                + ")");
            }
        }
    }

    // ---------------------------------------------------------------- Delete the old key

    public Map<String, Object> deleteOldKey(RotationState state) {
        Rollout rollout = state.currentRollout();
        requirePlanAndRollout(state, rollout, "deleteOldKey");
        String secretId = state.plan().secretId();
        // The reads and the consumers' last look go out together (issue 18: they were four round
        // trips in a row, and DeleteOldKey's first invocation after a restore the slowest but
        // one); each is joined where it was made before, so the same check fails first, and
        // nothing is deleted before all of them and the confirmation have answered.
        Concurrently.Call<AccountSecret> currentRead =
                Concurrently.start(() -> secrets.readCurrent(secretId));
        Concurrently.Call<List<ConsumerReport>> lastLook =
                Concurrently.start(() -> health.check(state.plan().consumers()));
        Concurrently.Call<Void> recordRead = readRecord(state, "DeleteOldKey");
        requireCurrentAsSet(
                state.plan(), rollout, false, "Old key " + rollout.oldKeyId() + " left live");
        AccountSecret current = currentRead.join();
        if (current.apiKeyId() != rollout.newKeyId()) {
            throw new RotationConflictException(
                    "AWSCURRENT of "
                            + secretId
                            + " holds key "
                            + current.apiKeyId()
                            + ", not the promoted key "
                            + rollout.newKeyId()
                            + ": old key "
                            + rollout.oldKeyId()
                            + " left live");
        }
        for (LinkedCopy copy : state.plan().linkedCopies()) {
            long held = secrets.readCurrent(copy.secretId()).apiKeyId();
            if (held != rollout.newKeyId()) {
                throw new RotationConflictException(
                        "linked secret "
                                + copy.secretId()
                                + " holds key "
                                + held
                                + ", not the promoted key "
                                + rollout.newKeyId()
                                + ": old key "
                                + rollout.oldKeyId()
                                + " left live");
            }
        }
        // Last look before the only irreversible step: a consumer seen on the old key, or one
        // that cannot answer, keeps the old key alive.
        List<String> blockers =
                lastLook.join().stream()
                        .filter(r -> r.uses(rollout.oldKeyId()) || !r.reachable())
                        .map(
                                r ->
                                        r.name()
                                                + (r.reachable()
                                                        ? " (on key " + r.keyId() + ")"
                                                        : " (" + r.problem() + ")"))
                        .toList();
        if (!blockers.isEmpty()) {
            throw new OldKeyStillInUseException(
                    "not deleting key " + rollout.oldKeyId() + ": " + String.join(", ", blockers));
        }
        confirm(state, "DeleteOldKey", recordRead);
        deleteIfPresent(current, rollout.oldKeyId(), "delete.old_key_deleted");
        notifications.lifecycle(
                LifecycleEvent.oldKeyDeleted(
                        secretId,
                        state.plan().executionId(),
                        rollout.oldKeyId(),
                        rollout.newKeyId(),
                        clock.instant().toString()));
        return Map.of("deletedKeyId", rollout.oldKeyId());
    }

    // ---------------------------------------------------------------- Revert

    /** Puts the old key back as AWSCURRENT after a consumer turned unhealthy on the new one. */
    public Rollout demoteNewKey(RotationState state) {
        Rollout rollout = state.currentRollout();
        requirePlanAndRollout(state, rollout, "revert");
        String secretId = state.plan().secretId();
        for (LinkedCopy copy : state.plan().linkedCopies()) {
            if (secrets.versions(copy.secretId()).isCurrent(rollout.newVersionId())) {
                confirm(state, "Revert");
                secrets.moveCurrent(
                        copy.secretId(), rollout.newVersionId(), copy.currentVersionId());
                LOG.info(
                        "revert.linked_copy_old_key_again",
                        "linkedSecret",
                        copy.secretId(),
                        "keyId",
                        rollout.oldKeyId());
            }
            publishKeyRotated(
                    copy.secretId(),
                    rollout.oldKeyId(),
                    rollout.newKeyId(),
                    copy.currentVersionId(),
                    "revert");
        }
        SecretVersions versions = secrets.versions(secretId);
        if (versions.isCurrent(rollout.newVersionId())) {
            confirm(state, "Revert");
            secrets.moveCurrent(secretId, rollout.newVersionId(), rollout.oldVersionId());
            LOG.info("revert.old_key_current_again", "keyId", rollout.oldKeyId());
        } else if (!versions.isCurrent(rollout.oldVersionId())) {
            throw new RotationConflictException(
                    "AWSCURRENT of " + secretId + " is neither the old nor the new version");
        }
        publishKeyRotated(
                secretId, rollout.oldKeyId(), rollout.newKeyId(), rollout.oldVersionId(), "revert");
        return rollout;
    }

    /**
     * Deletes a new key that must not stay: rejected on verification, or reverted and no longer
     * used.
     */
    public Map<String, Object> discardNewKey(RotationState state) {
        Created created = requireCreated(state);
        String secretId = state.plan().secretId();
        SecretVersions versions = secrets.versions(secretId);
        if (versions.isCurrent(created.versionId())) {
            throw new RotationConflictException(
                    "new key " + created.newKeyId() + " is AWSCURRENT: not deleting it");
        }
        for (LinkedCopy copy : state.plan().linkedCopies()) {
            if (secrets.versions(copy.secretId()).isCurrent(created.versionId())) {
                throw new RotationConflictException(
                        "new key "
                                + created.newKeyId()
                                + " is AWSCURRENT of linked secret "
                                + copy.secretId()
                                + ": not deleting it");
            }
        }
        AccountSecret current = secrets.read(secretId, versions.currentVersionId());
        confirm(state, "Revert");
        // A key that was ever AWSCURRENT (now AWSPREVIOUS) may be in use whatever the state says.
        boolean wasCurrent =
                versions.previousVersionId().filter(created.versionId()::equals).isPresent();
        if (state.revert() != null || wasCurrent) {
            List<String> users =
                    health.check(state.plan().consumers()).stream()
                            .filter(r -> r.uses(created.newKeyId()) || !r.reachable())
                            .map(ConsumerReport::name)
                            .toList();
            if (!users.isEmpty()) {
                throw new OldKeyStillInUseException(
                        "not deleting reverted key "
                                + created.newKeyId()
                                + ": "
                                + String.join(", ", users)
                                + " may still use it");
            }
        }
        deleteIfPresent(current, created.newKeyId(), "discard.new_key_deleted");
        if (versions.isPending(created.versionId())) {
            secrets.removeLabel(secretId, SecretVersions.PENDING, created.versionId());
        }
        return Map.of("deletedKeyId", created.newKeyId());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Before a key is deleted or AWSCURRENT moved: the state must be the one its execution recorded
     * (see ExecutionRecord). A forged one is refused, and the alert says so: someone who may invoke
     * this stack's functions tried to act on keys outside a rotation.
     */
    private void confirm(RotationState state, String step) {
        confirm(state, step, null);
    }

    /**
     * The execution's record read on a thread of its own beside the step's other reads (issue 18:
     * one round trip less in Promote and DeleteOldKey). It is judged, and a forged state alerted
     * on, only where {@link #confirm(RotationState, String, Concurrently.Call)} joins it, where the
     * step confirmed before: a check that refuses first still refuses first, and then the read is
     * left unanswered.
     */
    private Concurrently.Call<Void> readRecord(RotationState state, String step) {
        return Concurrently.start(
                () -> {
                    record.confirm(state, step);
                    return null;
                });
    }

    private void confirm(RotationState state, String step, Concurrently.Call<Void> recordRead) {
        try {
            if (recordRead == null) {
                record.confirm(state, step);
            } else {
                recordRead.join();
            }
        } catch (ForgedStateException e) {
            LOG.warn("step.forged_state_refused", "step", step, "problem", e.getMessage());
            try {
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put("account", state.plan().secretId());
                alert.put("result", "FORGED_STATE");
                alert.put(
                        "summary",
                        "A direct invocation of "
                                + step
                                + " handed it a state that no rotation execution"
                                + " produced; it was refused and nothing changed. Someone who may invoke this stack's functions"
                                + " tried to delete or move a key: find the caller in CloudTrail (lambda Invoke of the "
                                + step
                                + " function) and restrict lambda:InvokeFunction (README: who can do what).");
                alert.put("step", step);
                alert.put("cause", e.getMessage());
                alert.put("executionId", state.plan().executionId());
                alert.put("time", clock.instant().toString());
                notifications.alert(
                        "Veryfi key rotation: forged state REFUSED: " + state.plan().secretId(),
                        "FORGED_STATE",
                        alert);
            } catch (RuntimeException alertFailure) {
                LOG.warn(
                        "step.forged_state_alert_failed",
                        "errorType",
                        alertFailure.getClass().getName());
            }
            throw e;
        }
    }

    /** A 404 means the key is already gone, which is what we wanted: a repeated delete succeeds. */
    private void deleteIfPresent(AccountSecret authenticateWith, long keyId, String event) {
        try {
            veryfi.deleteKey(authenticateWith.account(), authenticateWith.apiKey(), keyId);
            LOG.info(event, "keyId", keyId);
        } catch (KeyNotFoundException e) {
            LOG.info(event, "keyId", keyId, "alreadyGone", true);
        }
    }

    private static Plan requirePlan(RotationState state) {
        if (state == null || state.plan() == null || state.plan().versionId() == null) {
            throw new InvalidInputException(
                    "this step needs the plan of a rotation (plan.versionId)");
        }
        logContext(state);
        return validPlan(state.plan());
    }

    /**
     * For the steps after Promote: the plan and the rollout they act on, both present and valid.
     */
    private static void requirePlanAndRollout(RotationState state, Rollout rollout, String step) {
        logContext(state);
        if (rollout == null || state.plan() == null) {
            throw new InvalidInputException(step + " needs plan and rollout");
        }
        validPlan(state.plan());
    }

    /**
     * The plan comes from the execution's state document: check what the steps act on before using
     * it.
     */
    private static Plan validPlan(Plan plan) {
        try {
            SecretIds.validate(plan.secretId());
        } catch (InvalidInputException e) {
            throw new InvalidInputException("plan." + e.getMessage());
        }
        if (plan.settings() == null) {
            throw new InvalidInputException("plan.settings is required");
        }
        return plan;
    }

    private static void logContext(RotationState state) {
        if (state != null && state.plan() != null) {
            Log.context("account", state.plan().secretId());
            Log.context("executionId", state.plan().executionId());
        }
    }

    private static Created requireCreated(RotationState state) {
        requirePlan(state);
        if (state.created() == null || state.created().versionId() == null) {
            throw new InvalidInputException("this step needs the created key (created.versionId)");
        }
        return state.created();
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
