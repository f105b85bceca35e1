package io.veryfikeys.reset;

import io.veryfikeys.lambda.Concurrently;
import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.rotation.Ports;
import io.veryfikeys.secrets.AccountSecret;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.secrets.SecretStore;
import io.veryfikeys.secrets.SecretVersions;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.SecretIds;
import io.veryfikeys.veryfi.ApiKey;
import io.veryfikeys.veryfi.KeyNotFoundException;
import io.veryfikeys.veryfi.MalformedResponseException;
import io.veryfikeys.veryfi.VeryfiAuthException;
import io.veryfikeys.veryfi.VeryfiException;
import io.veryfikeys.veryfi.VeryfiForbiddenException;
import io.veryfikeys.veryfi.VeryfiKeys;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The incident reset: every key of the account is regenerated at Veryfi, all previous keys stop
 * working at once, and the new key goes into the secret before anything else happens. The value
 * Veryfi returns exists nowhere else, so storing it is retried hard, and if it still cannot be
 * stored the responders are told at once that the account is locked out.
 */
public final class AccountReset {
    private static final Log LOG = Log.get(AccountReset.class);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final int MAX_REASON = 500;

    private final Ports ports;
    private final SecretStore secrets;
    private final VeryfiKeys veryfi;
    private final String rotationStateMachineArn;
    private final ResetSettings settings;
    private final StoreRetry storeRetry;

    /**
     * How the new key's store is retried: the one write that must not fail, since every previous
     * key is dead once Veryfi answered (the waits double from {@code base}).
     */
    public record StoreRetry(Duration base, int attempts) {}

    public AccountReset(
            Ports ports,
            String rotationStateMachineArn,
            ResetSettings settings,
            StoreRetry storeRetry) {
        this.ports = ports;
        this.secrets = ports.secrets(); // the two it uses on almost every line
        this.veryfi = ports.veryfi();
        this.rotationStateMachineArn = rotationStateMachineArn;
        this.settings = settings;
        this.storeRetry = storeRetry;
    }

    /** Checks everything a responder typed before anything is touched. */
    public static String validate(ResetRequest request) {
        if (request == null) {
            throw new InvalidInputException(
                    "expected {\"secretId\":..., \"reason\":..., \"confirm\":...}");
        }
        if (request.secretId() != null
                && request.account() != null
                && !request.secretId().equals(request.account())) {
            throw new InvalidInputException("secretId and account disagree: give one of them");
        }
        String secretId =
                SecretIds.validate(
                        request.secretId() != null ? request.secretId() : request.account());
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty()) {
            throw new InvalidInputException(
                    "reason is required: say why the keys are being reset (it goes into the alert)");
        }
        if (reason.length() > MAX_REASON) {
            throw new InvalidInputException("reason must be at most " + MAX_REASON + " characters");
        }
        if (reason.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new InvalidInputException("reason must not contain control characters");
        }
        if (request.confirm() == null || !request.confirm().equals(secretId)) {
            throw new InvalidInputException(
                    "confirm must repeat the account's secret name exactly (\""
                            + secretId
                            + "\"): a reset locks every consumer out until it refetches the key");
        }
        if (request.idempotencyToken() != null
                && !TOKEN.matcher(request.idempotencyToken()).matches()) {
            throw new InvalidInputException(
                    "idempotencyToken must be 8-64 characters from A-Z a-z 0-9 _ -");
        }
        if (request.requestedBy() != null
                && (request.requestedBy().length() > 200
                        || request.requestedBy().chars().anyMatch(Character::isISOControl))) {
            throw new InvalidInputException(
                    "requestedBy must be at most 200 characters, without control characters");
        }
        return secretId;
    }

    public Map<String, Object> reset(ResetRequest request, String invocationId, String invokedBy) {
        String secretId = validate(request);
        String reason = request.reason().strip();
        Log.context("account", secretId);
        String token =
                request.idempotencyToken() != null ? request.idempotencyToken() : invocationId;
        String versionId =
                UUID.nameUUIDFromBytes(
                                ("reset|" + secretId + "|" + token)
                                        .getBytes(StandardCharsets.UTF_8))
                        .toString();

        // Independent reads go out together (issue 18): a responder waits on every round trip
        // before the new key is stored. Each is joined where the sequential code read it, so a
        // failure surfaces at the same point; one left unjoined is awaited as the invocation ends.
        Concurrently.Call<SecretVersions> versionsRead =
                Concurrently.start(() -> secrets.versions(secretId));
        if (secrets.hasVersion(secretId, versionId)) {
            long keyId = secrets.read(secretId, versionId).apiKeyId();
            LOG.info("reset.already_done", "versionId", versionId, "keyId", keyId);
            // The same request again: finish what that reset left pending.
            List<Long> deleted = new ArrayList<>();
            List<Long> pending = new ArrayList<>();
            finishSurplusCleanup(secretId, deleted, pending);
            return result(secretId, keyId, versionId, deleted, pending, null, List.of(), true);
        }

        java.time.Instant started = ports.clock().instant();
        List<String> stopped = new ArrayList<>();
        SecretVersions firstLook = versionsRead.join();
        Concurrently.Call<AccountSecret> currentRead =
                Concurrently.start(() -> secrets.read(secretId, firstLook.currentVersionId()));
        // The alert's scan for other secrets holding the account needs nothing the reset reads or
        // changes but the settings' prefix: it starts now, so that its three calls in a row
        // (settings, names, values) are over by the time the alert is sent, instead of the alert
        // waiting for them (issue 18). The settings are read once, for the scan's prefix and the
        // keys to keep alike; neither is awaited before the new key is stored.
        Concurrently.Call<ResetSettings.Read> settingsRead = Concurrently.start(settings::read);
        Concurrently.Call<Optional<SameAccountSecrets.Scan>> scanRead =
                Concurrently.start(() -> sameAccountScan(settingsRead));
        Early early = new Early(settingsRead, scanRead);
        // Mark the account before calling Veryfi, so that a rotation planned meanwhile refuses it.
        String mark =
                SecretVersions.RESETTING_PREFIX
                        + started.toEpochMilli()
                        + "_"
                        + versionId.substring(0, 8);
        Mark marked = markResetting(secretId, mark, firstLook.currentVersionId());
        Concurrently.Call<List<String>> runningRead = null;
        try {
            SecretVersions versions = firstLook;
            AccountSecret current = currentRead.join();
            // Read after the mark, so that no rotation started before it is missed.
            runningRead =
                    Concurrently.start(() -> ports.running().of(rotationStateMachineArn, secretId));
            if (marked.placed() && earlierReset(secretId, mark).isPresent()) {
                runningRead = null; // read again once the earlier reset is done
                // Two responders: wait for the reset that came first, then see whether it did the
                // job.
                LOG.info("reset.waiting_for_earlier_reset");
                while (earlierReset(secretId, mark).isPresent()) {
                    if (!InvocationDeadline.allows(
                            Duration.ofSeconds(1).plus(AwsCallTimeouts.CALL))) {
                        throw new ResetFailedException(
                                "another reset of "
                                        + secretId
                                        + " is still in progress; its alert"
                                        + " says what it did (nothing was done here)",
                                null);
                    }
                    sleep(Duration.ofMillis(500));
                }
                Optional<AlreadyResetByAnother> done =
                        resetByAnother(secretId, versions.currentVersionId());
                if (done.isPresent()) {
                    return alreadyReset(secretId, done.get(), started, stopped);
                }
                versions = secrets.versions(secretId);
                current = secrets.read(secretId, versions.currentVersionId());
            }
            return resetMarked(
                    request,
                    secretId,
                    reason,
                    versionId,
                    invokedBy,
                    invocationId,
                    started,
                    stopped,
                    versions,
                    current,
                    runningRead,
                    early,
                    marked);
        } finally {
            marked.removeNow();
        }
    }

    /** The reads started before the mark, awaited only where their answers are needed. */
    private record Early(
            Concurrently.Call<ResetSettings.Read> settings,
            Concurrently.Call<Optional<SameAccountSecrets.Scan>> scan) {}

    /**
     * The resetting mark on the account's secret, if it could be placed, removed once: beside the
     * alert when the reset gets that far ({@link #removeBeside}), else as the reset ends.
     */
    private final class Mark {
        private final String secretId;
        private final String label;
        private final String versionId;
        private final boolean placed;
        private Concurrently.Call<Void> removal;

        Mark(String secretId, String label, String versionId, boolean placed) {
            this.secretId = secretId;
            this.label = label;
            this.versionId = versionId;
            this.placed = placed;
        }

        boolean placed() {
            return placed;
        }

        /** Starts the removal on another thread, so that it goes out beside what follows. */
        void removeBeside() {
            if (placed && removal == null) {
                removal =
                        Concurrently.start(
                                () -> {
                                    remove();
                                    return null;
                                });
            }
        }

        /** Removes the mark, or waits for the removal already started. */
        void removeNow() {
            if (removal != null) {
                removal.join();
            } else if (placed) {
                remove();
            }
        }

        private void remove() {
            try {
                secrets.removeLabel(secretId, label, versionId);
            } catch (RuntimeException e) {
                // the mark's lease ends it in a few minutes
                LOG.warn("reset.unmark_failed", "errorType", e.getClass().getName());
            }
        }
    }

    private Map<String, Object> alreadyReset(
            String secretId,
            AlreadyResetByAnother done,
            java.time.Instant started,
            List<String> stopped) {
        LOG.info("reset.already_reset_by_another", "keyId", done.secret.apiKeyId());
        Map<String, Object> result =
                result(
                        secretId,
                        done.secret.apiKeyId(),
                        done.versionId,
                        List.of(),
                        List.of(),
                        null,
                        stopped,
                        true);
        Optional<com.fasterxml.jackson.databind.JsonNode> byReset =
                done.secret.lastReset().filter(r -> storedSince(r.path("at").asText(""), started));
        result.put("alreadyResetBy", byReset.orElse(null));
        if (byReset.isEmpty()) {
            result.put(
                    "currentChangedBy",
                    done.secret
                            .storedBy(done.versionId)
                            .map(by -> "stored by " + by)
                            .orElse(
                                    "not a reset recorded since this one started: stored by hand or another tool"));
        }
        return result;
    }

    /**
     * The mark of another reset of the account that is in flight and came first (marks compare by
     * their start millisecond, then their id), if any. Resets exclude each other through these
     * marks: the later one waits for the earlier to finish, then looks at what it did.
     */
    private Optional<String> earlierReset(String secretId, String mine) {
        return secrets.versions(secretId).freshResetMarks(ports.clock().instant()).stream()
                .filter(other -> other.compareTo(mine) < 0)
                .min(Comparator.naturalOrder());
    }

    private void stopRotations(String secretId, String reason, List<String> stopped) {
        stopRotations(
                ports.running().of(rotationStateMachineArn, secretId), secretId, reason, stopped);
    }

    private void stopRotations(
            List<String> running, String secretId, String reason, List<String> stopped) {
        for (String execution : running) {
            if (stopped.contains(execution)) {
                continue;
            }
            ports.running().stop(execution, "Incident reset of " + secretId + ": " + reason);
            stopped.add(execution);
            LOG.info("reset.rotation_stopped", "executionArn", execution);
        }
    }

    private Mark markResetting(String secretId, String mark, String versionId) {
        try {
            secrets.addLabel(secretId, mark, versionId);
            return new Mark(secretId, mark, versionId, true);
        } catch (RuntimeException e) {
            // An incident reset does not wait for a courtesy to rotations.
            LOG.warn("reset.mark_failed", "errorType", e.getClass().getName());
            return new Mark(secretId, mark, versionId, false);
        }
    }

    private Map<String, Object> resetMarked(
            ResetRequest request,
            String secretId,
            String reason,
            String versionId,
            String invokedBy,
            String invocationId,
            java.time.Instant started,
            List<String> stopped,
            SecretVersions versions,
            AccountSecret current,
            Concurrently.Call<List<String>> runningRead,
            Early early,
            Mark mark) {
        // After the mark: a rotation planned from now on refuses the account; stop those already
        // running (read after the mark, unless an earlier reset was waited for).
        if (runningRead == null) {
            stopRotations(secretId, reason, stopped);
        } else {
            stopRotations(runningRead.join(), secretId, reason, stopped);
        }
        List<ApiKey> keys;
        try {
            keys = callReset(secretId, versions, current);
        } catch (AlreadyResetByAnother done) {
            // Another reset got there first and its key is stored and live: that is the outcome
            // the responder wanted. Advising a reset from the portal now would kill that key.
            return alreadyReset(secretId, done, started, stopped);
        }
        ResetDecision.Split split = ResetDecision.split(keys);
        ApiKey keep = split.keep();

        // The one thing that must not fail: nothing else happens before the new key is stored.
        AccountSecret stored =
                current.withKey(keep.id(), keep.value())
                        .withLastReset(
                                invocationId,
                                request.requestedBy(),
                                ports.clock().instant().toString())
                        .withStoredBy(
                                "reset",
                                invocationId,
                                versionId,
                                ports.clock().instant().toString());
        storeOrAlert(secretId, versionId, stored, reason, invokedBy);
        LOG.info("reset.stored_current", "keyId", keep.id(), "versionId", versionId);
        // The consumers' notice goes out as soon as their key is stored, beside everything that
        // follows (the second look, the copies, the surplus keys), not with the alert; it is still
        // joined after the alert, so a failure to send it surfaces where it did.
        KeyRotated event =
                new KeyRotated(
                        secretId,
                        keep.id(),
                        current.apiKeyId(),
                        versionId,
                        "reset",
                        ports.clock().instant().toString());
        Concurrently.Call<Void> keyRotatedSent =
                Concurrently.start(
                        () -> {
                            ports.notifier().keyRotated(event);
                            return null;
                        });
        Concurrently.Call<List<String>> runningNow =
                Concurrently.start(() -> ports.running().of(rotationStateMachineArn, secretId));
        // A rotation that started after the first look (its plan ran before the mark) dies now too.
        try {
            stopRotations(runningNow.join(), secretId, reason, stopped);
        } catch (RuntimeException e) {
            LOG.warn("reset.second_stop_failed", "errorType", e.getClass().getName());
        }

        // The copies that hold this account on purpose get the new key too; they hold a dead key
        // otherwise.
        List<String> linkedNotUpdated = new ArrayList<>();
        List<String> linkedUpdated =
                storeInLinkedCopies(current, keep, versionId, invocationId, linkedNotUpdated);

        versions.pendingVersionId()
                .ifPresent(
                        pending -> {
                            // A pending key from an interrupted rotation died with the reset.
                            secrets.removeLabel(secretId, SecretVersions.PENDING, pending);
                        });
        // Awaited only now: the new key is stored whatever the setting says, and with one key there
        // is nothing to decide.
        ResetSettings.KeysToKeep keysToKeep =
                keys.size() > 1 ? early.settings().join().keysToKeep() : null;
        List<Long> deleted = new ArrayList<>();
        List<Long> pending = new ArrayList<>();
        Long spareKeyId = null;
        for (ApiKey extra : split.extras()) {
            if (keysToKeep.count() == 2
                    && spareKeyId == null
                    && storeSpare(secretId, versionId, stored, extra)) {
                spareKeyId = extra.id();
                continue;
            }
            if (deleteSurplus(secretId, versionId, stored, extra)) {
                deleted.add(extra.id());
            } else {
                pending.add(extra.id());
            }
        }

        List<String> unlinked = unlinkedCopies(secretId, current, early.scan().join());
        Map<String, Object> done =
                result(
                        secretId,
                        keep.id(),
                        versionId,
                        deleted,
                        pending,
                        spareKeyId,
                        stopped,
                        false);
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("account", secretId);
        alert.put("result", "RESET");
        alert.put(
                "summary",
                ResetDecision.summary(
                        secretId, linkedUpdated, linkedNotUpdated, unlinked, pending));
        alert.putAll(done);
        alert.put("reason", reason);
        alert.put("requestedBy", request.requestedBy());
        alert.put("invokedBy", invokedBy);
        alert.put("time", ports.clock().instant().toString());
        alert.put("linkedSecretsUpdated", linkedUpdated);
        alert.put("linkedSecretsNotUpdated", linkedNotUpdated);
        alert.put("sameAccountNotLinked", unlinked);
        if (keysToKeep != null && keysToKeep.problem() != null) {
            alert.put("settingsProblem", keysToKeep.problem());
        }
        LifecycleEvent performed =
                LifecycleEvent.resetPerformed(
                        secretId,
                        versionId,
                        keep.id(),
                        current.apiKeyId(),
                        deleted,
                        pending,
                        linkedUpdated,
                        ports.clock().instant().toString());
        // Best effort (it never throws), so it goes out beside the alert and the key-rotated
        // notice.
        Concurrently.Call<Void> lifecycleSent =
                Concurrently.start(
                        () -> {
                            ports.notifier().lifecycle(performed);
                            return null;
                        });
        // The copies' consumers' notices do not wait for the responders' alert, nor the other way
        // round.
        Concurrently.Call<Void> copiesNoticesSent =
                linkedUpdated.isEmpty()
                        ? null
                        : Concurrently.start(
                                () -> {
                                    for (String copy : linkedUpdated) {
                                        ports.notifier().keyRotated(event.forSecret(copy));
                                    }
                                    return null;
                                });
        // Everything the mark guarded is done (the stores, the stops, the surplus keys): it goes
        // beside the alert, not after it.
        mark.removeBeside();
        ports.notifier().alert("Veryfi keys RESET: " + secretId, "RESET", alert);
        keyRotatedSent.join();
        if (copiesNoticesSent != null) {
            copiesNoticesSent.join();
        }
        lifecycleSent.join();
        LOG.info(
                "reset.done",
                "keyId",
                keep.id(),
                "deleted",
                deleted.size(),
                "stopped",
                stopped.size());
        return done;
    }

    /**
     * Stores the reset's new key as AWSCURRENT of each secret the account's secret lists in
     * linkedSecrets, under the reset's version id. After the account's own secret, and never
     * failing the reset: a copy that cannot be written is named in the alert instead.
     */
    private List<String> storeInLinkedCopies(
            AccountSecret current,
            ApiKey keep,
            String versionId,
            String invocationId,
            List<String> notUpdated) {
        List<String> updated = new ArrayList<>();
        for (String copy : current.linkedSecrets()) {
            try {
                if (!InvocationDeadline.allows(AwsCallTimeouts.CALL.multipliedBy(3))) {
                    notUpdated.add(copy + " (no time left)");
                    continue;
                }
                AccountSecret copyCurrent = secrets.readCurrent(copy);
                if (!copyCurrent.sameAccountAs(
                        current.account().clientId(), current.account().username())) {
                    notUpdated.add(copy + " (holds another Veryfi account)");
                    continue;
                }
                if (!secrets.versions(copy).isCurrent(versionId)) {
                    secrets.putCurrent(
                            copy,
                            versionId,
                            copyCurrent
                                    .withKey(keep.id(), keep.value())
                                    .withStoredBy(
                                            "reset",
                                            invocationId,
                                            versionId,
                                            ports.clock().instant().toString()));
                }
                updated.add(copy);
                LOG.info("reset.stored_in_linked_copy", "linkedSecret", copy, "keyId", keep.id());
            } catch (RuntimeException e) {
                LOG.warn(
                        "reset.linked_copy_not_updated",
                        "linkedSecret",
                        copy,
                        "errorType",
                        e.getClass().getName());
                notUpdated.add(copy + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return updated;
    }

    /**
     * The scan of the secrets under the stack's prefix, for the alert; empty when there is no
     * prefix, no time, or the scan failed. Best effort: it never throws.
     */
    private Optional<SameAccountSecrets.Scan> sameAccountScan(
            Concurrently.Call<ResetSettings.Read> settingsRead) {
        try {
            Optional<String> prefix = settingsRead.join().secretNamePrefix();
            if (prefix.isEmpty()
                    || !InvocationDeadline.allows(AwsCallTimeouts.CALL.multipliedBy(2))) {
                return Optional.empty();
            }
            return Optional.of(secrets.sameAccountScan(prefix.get()));
        } catch (RuntimeException e) {
            LOG.warn("reset.same_account_scan_failed", "errorType", e.getClass().getName());
            return Optional.empty();
        }
    }

    /**
     * Secrets in the scan that hold this account without being linked: the reset killed their key
     * too, and the responder must hear of them.
     */
    static List<String> unlinkedCopies(
            String secretId, AccountSecret current, Optional<SameAccountSecrets.Scan> scan) {
        String clientId = current.account().clientId();
        String username = current.account().username();
        return scan.map(SameAccountSecrets.Scan::holders).orElse(List.of()).stream()
                .filter(
                        h ->
                                !h.secretId().equals(secretId)
                                        && !current.linkedSecrets().contains(h.secretId())
                                        && clientId.equals(h.clientId())
                                        && username.equals(h.username()))
                .map(SameAccountSecrets.Holder::secretId)
                .toList();
    }

    /**
     * Authenticates with AWSCURRENT, falling back to the other stored keys should it be dead
     * already. The fallbacks are read only when needed: in an incident every round trip before the
     * reset counts.
     */
    private List<ApiKey> callReset(
            String secretId, SecretVersions versions, AccountSecret current) {
        List<String> fallbackVersions = new ArrayList<>();
        versions.pendingVersionId().ifPresent(fallbackVersions::add);
        versions.previousVersionId().ifPresent(fallbackVersions::add);
        VeryfiException last = null;
        for (int i = 0; i <= fallbackVersions.size(); i++) {
            AccountSecret candidate =
                    i == 0 ? current : secrets.read(secretId, fallbackVersions.get(i - 1));
            try {
                List<ApiKey> keys = veryfi.resetKeys(candidate.account(), candidate.apiKey());
                if (keys.isEmpty()) {
                    throw new ResetFailedException("Veryfi's reset returned no key", null);
                }
                return keys;
            } catch (VeryfiException e) {
                ResetDecision.Verdict verdict =
                        ResetDecision.onFailure(
                                failureOf(e),
                                e.status(),
                                secretId,
                                e.getClass().getSimpleName(),
                                e.getMessage());
                if (verdict.next() == ResetDecision.Next.TRY_NEXT_KEY) {
                    LOG.warn("reset.key_rejected", "keyId", candidate.apiKeyId());
                    last = e;
                    continue;
                }
                throw failed(secretId, verdict, versions, e);
            }
        }
        throw failed(secretId, ResetDecision.everyKeyRejected(secretId), versions, last);
    }

    private static ResetDecision.Failure failureOf(VeryfiException e) {
        return e instanceof VeryfiForbiddenException
                ? ResetDecision.Failure.FORBIDDEN
                : e instanceof VeryfiAuthException
                        ? ResetDecision.Failure.UNAUTHENTICATED
                        : e instanceof MalformedResponseException
                                ? ResetDecision.Failure.UNREADABLE_ANSWER
                                : ResetDecision.Failure.OTHER;
    }

    /**
     * What the reset fails with: another reset's stored key, when the verdict lets it stand for
     * this one and one is there; else the alert is sent and the failure returned.
     */
    private RuntimeException failed(
            String secretId,
            ResetDecision.Verdict verdict,
            SecretVersions versions,
            VeryfiException cause) {
        if (verdict.next() == ResetDecision.Next.FAIL_UNLESS_RESET_BY_ANOTHER) {
            Optional<AlreadyResetByAnother> other =
                    resetByAnother(secretId, versions.currentVersionId());
            if (other.isPresent()) {
                return other.get();
            }
        }
        alertFailure(secretId, verdict.result(), verdict.summary(), verdict.advice());
        return new ResetFailedException(verdict.error(), cause);
    }

    private static boolean storedSince(String at, java.time.Instant started) {
        try {
            return !java.time.Instant.parse(at).isBefore(started);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Another reset of the account stored a live key while this one was on its way. */
    private static final class AlreadyResetByAnother extends RuntimeException {
        final AccountSecret secret;
        final String versionId;

        AlreadyResetByAnother(AccountSecret secret, String versionId) {
            super(null, null, false, false);
            this.secret = secret;
            this.versionId = versionId;
        }
    }

    /**
     * Before any failure verdict: has AWSCURRENT moved since this reset read it, to a key Veryfi
     * accepts? Then a concurrent reset (or a person) already did the job. Looked at a few times,
     * since the other reset stores its key just after Veryfi answered it.
     */
    private Optional<AlreadyResetByAnother> resetByAnother(
            String secretId, String currentVersionAtStart) {
        for (int look = 0; look < 5; look++) {
            try {
                SecretVersions now = secrets.versions(secretId);
                if (!now.isCurrent(currentVersionAtStart)) {
                    AccountSecret newer = secrets.read(secretId, now.currentVersionId());
                    veryfi.listKeyIds(newer.account(), newer.apiKey());
                    return Optional.of(new AlreadyResetByAnother(newer, now.currentVersionId()));
                }
            } catch (VeryfiAuthException dead) {
                return Optional.empty();
            } catch (RuntimeException e) {
                LOG.warn("reset.recheck_failed", "errorType", e.getClass().getName());
            }
            if (!InvocationDeadline.allows(Duration.ofSeconds(1).plus(AwsCallTimeouts.CALL))) {
                break;
            }
            sleep(Duration.ofSeconds(1));
        }
        return Optional.empty();
    }

    private void storeOrAlert(
            String secretId,
            String versionId,
            AccountSecret secret,
            String reason,
            String invokedBy) {
        RuntimeException last = null;
        int attempts = 0;
        for (int attempt = 1; attempt <= storeRetry.attempts(); attempt++) {
            attempts = attempt;
            try {
                secrets.putCurrent(secretId, versionId, secret);
                return;
            } catch (RuntimeException e) {
                last = e;
                LOG.error("reset.store_failed", e, "attempt", attempt);
                Duration delay = storeRetry.base().multipliedBy(1L << Math.min(attempt - 1, 5));
                // Stop while the alert below can still be sent: past the function's timeout nobody
                // would hear of this.
                if (attempt == storeRetry.attempts()
                        || !InvocationDeadline.allows(delay.plus(AwsCallTimeouts.CALL))) {
                    break;
                }
                sleep(delay);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("invokedBy", invokedBy);
        details.put("error", last.getClass().getName());
        alertFailure(
                secretId,
                "LOCKED_OUT",
                "URGENT: the keys of "
                        + secretId
                        + " were reset at Veryfi but the new key"
                        + " could not be stored in Secrets Manager after "
                        + attempts
                        + " attempts. Every consumer is locked out."
                        + " Reset the account again from the Veryfi portal and store the new key in the secret by hand.",
                Notifier.ADVICE_RESET_ACCOUNT,
                details);
        throw new SecretWriteFailedException(
                "the new key of "
                        + secretId
                        + " could not be stored after "
                        + attempts
                        + " attempts; the account is locked out (see the alert)",
                last);
    }

    /**
     * Deletes a surplus key of the reset. If Veryfi refuses, the key is recorded in the secret
     * (VERYFI_SURPLUS) so that it is held by a version, a retry of the same request finishes the
     * delete, and the next rotation's plan recognises it as the system's own. Returns whether it is
     * gone.
     */
    private boolean deleteSurplus(
            String secretId, String versionId, AccountSecret stored, ApiKey surplus) {
        try {
            veryfi.deleteKey(stored.account(), stored.apiKey(), surplus.id());
            LOG.info("reset.extra_key_deleted", "keyId", surplus.id());
            return true;
        } catch (KeyNotFoundException gone) {
            return true;
        } catch (VeryfiException e) {
            LOG.warn(
                    "reset.extra_key_delete_failed",
                    "keyId",
                    surplus.id(),
                    "errorType",
                    e.getClass().getName());
        }
        String surplusVersion =
                UUID.nameUUIDFromBytes(("surplus|" + versionId).getBytes(StandardCharsets.UTF_8))
                        .toString();
        try {
            secrets.putSurplus(
                    secretId, surplusVersion, stored.withKey(surplus.id(), surplus.value()));
            LOG.info("reset.surplus_recorded", "keyId", surplus.id(), "versionId", surplusVersion);
        } catch (RuntimeException e) {
            LOG.warn(
                    "reset.surplus_record_failed",
                    "keyId",
                    surplus.id(),
                    "errorType",
                    e.getClass().getName());
        }
        return false;
    }

    /**
     * A retried reset request: deletes the surplus key an earlier attempt recorded, if Veryfi lets
     * it now.
     */
    private void finishSurplusCleanup(String secretId, List<Long> deleted, List<Long> pending) {
        SecretVersions versions = secrets.versions(secretId);
        if (versions.surplusVersionId().isEmpty()) {
            return;
        }
        String surplusVersion = versions.surplusVersionId().get();
        long surplusKeyId = secrets.read(secretId, surplusVersion).apiKeyId();
        AccountSecret current = secrets.read(secretId, versions.currentVersionId());
        if (surplusKeyId == current.apiKeyId()) {
            return;
        }
        try {
            veryfi.deleteKey(current.account(), current.apiKey(), surplusKeyId);
        } catch (KeyNotFoundException gone) {
            // deleted meanwhile: fine
        } catch (VeryfiException e) {
            LOG.warn(
                    "reset.extra_key_delete_failed",
                    "keyId",
                    surplusKeyId,
                    "errorType",
                    e.getClass().getName());
            pending.add(surplusKeyId);
            return;
        }
        secrets.removeLabel(secretId, SecretVersions.SURPLUS, surplusVersion);
        deleted.add(surplusKeyId);
        LOG.info("reset.extra_key_deleted", "keyId", surplusKeyId);
    }

    private boolean storeSpare(
            String secretId, String versionId, AccountSecret stored, ApiKey spare) {
        String spareVersion =
                UUID.nameUUIDFromBytes(("spare|" + versionId).getBytes(StandardCharsets.UTF_8))
                        .toString();
        try {
            secrets.putPending(secretId, spareVersion, stored.withKey(spare.id(), spare.value()));
            LOG.info("reset.spare_stored_pending", "keyId", spare.id(), "versionId", spareVersion);
            return true;
        } catch (RuntimeException e) {
            LOG.error("reset.spare_store_failed", e, "keyId", spare.id());
            return false;
        }
    }

    private void alertFailure(String secretId, String result, String summary, String advice) {
        alertFailure(secretId, result, summary, advice, Map.of());
    }

    /**
     * {@code advice} is {@link Notifier#ADVICE_RESET_ACCOUNT} when the alert tells the responder to
     * reset by hand: only when no stored key works, since a reset kills the key in AWSCURRENT.
     */
    private void alertFailure(
            String secretId,
            String result,
            String summary,
            String advice,
            Map<String, Object> details) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("account", secretId);
        alert.put("result", result);
        alert.put("summary", summary);
        if (advice != null) {
            alert.put("advice", advice);
        }
        alert.putAll(details);
        alert.put("time", ports.clock().instant().toString());
        ports.notifier()
                .lifecycle(
                        LifecycleEvent.resetFailed(
                                secretId, result, ports.clock().instant().toString()));
        String subject =
                "LOCKED_OUT".equals(result)
                        ? "URGENT Veryfi account LOCKED OUT: "
                        : "Veryfi key reset FAILED: ";
        ports.notifier().alert(subject + secretId, result, alert);
    }

    /**
     * What the reset did and what it left to do: the new key is always stored by the time this is
     * returned (otherwise the reset failed with LOCKED_OUT); {@code pendingCleanupKeyIds} are
     * surplus keys still live because Veryfi refused their delete.
     */
    private static Map<String, Object> result(
            String secretId,
            long keyId,
            String versionId,
            List<Long> deleted,
            List<Long> pending,
            Long spareKeyId,
            List<String> stopped,
            boolean alreadyDone) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("secretId", secretId);
        result.put("newKeyId", keyId);
        result.put("newKeyStored", true);
        result.put("versionId", versionId);
        result.put("deletedKeyIds", deleted);
        result.put("pendingCleanupKeyIds", pending);
        result.put("spareKeyId", spareKeyId);
        result.put("stoppedExecutions", stopped);
        result.put("alreadyDone", alreadyDone);
        return result;
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
