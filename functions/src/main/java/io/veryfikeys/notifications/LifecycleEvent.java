package io.veryfikeys.notifications;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a rotation's or a reset's life, for other programs (ticketing, chat, audit) to route
 * on EventBridge without reading the alert's prose: what Secrets Manager does for its own rotations
 * (RotationStarted, RotationSucceeded, ...). {@link #type} is the event's {@code detail-type};
 * {@link #detail()} its {@code detail}, ids and plain facts only, never a key value. The README's
 * "Lifecycle events" section is the schema, one row per type; LifecycleEventTest checks it against
 * this class.
 *
 * <p>Delivery is at least once: a step that Step Functions runs again sends its event again, so a
 * receiver keys on {@code executionId} (or the reset's {@code versionId}) with the type.
 */
public record LifecycleEvent(Type type, String account, Map<String, Object> facts) {
    /** The detail's version: a new member may be added under it; a change of meaning bumps it. */
    public static final int SCHEMA_VERSION = 1;

    public enum Type {
        ROTATION_STARTED("Rotation Started"),
        KEY_CREATED("Key Created"),
        CONSUMERS_MOVED("Consumers Moved"),
        OLD_KEY_DELETED("Old Key Deleted"),
        ROTATION_SUCCEEDED("Rotation Succeeded"),
        ROTATION_BLOCKED("Rotation Blocked"),
        ROTATION_REVERTED("Rotation Reverted"),
        ROTATION_FAILED("Rotation Failed"),
        RESET_PERFORMED("Reset Performed"),
        RESET_FAILED("Reset Failed");

        private final String detailType;

        Type(String detailType) {
            this.detailType = detailType;
        }

        /** The event's {@code detail-type}, as rules match it. */
        public String detailType() {
            return detailType;
        }
    }

    public LifecycleEvent {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /**
     * The event's {@code detail}: the schema version, the account, then the type's facts in their
     * order; a fact that does not apply (null) is left out.
     */
    public Map<String, Object> detail() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("schemaVersion", SCHEMA_VERSION);
        detail.put("account", account);
        facts.forEach(
                (name, value) -> {
                    if (value != null) {
                        detail.put(name, value);
                    }
                });
        return detail;
    }

    /** The rotation's execution (an ARN), or null for a reset. */
    public String executionId() {
        Object id = facts.get("executionId");
        return id == null ? null : id.toString();
    }

    /**
     * Plan decided to rotate ({@code action} ROTATE) or to finish a rotation an earlier execution
     * left (FINISH_PREVIOUS).
     */
    public static LifecycleEvent rotationStarted(
            String account, String executionId, String action, Long currentKeyId, String time) {
        return of(
                Type.ROTATION_STARTED,
                account,
                "executionId",
                executionId,
                "action",
                action,
                "currentKeyId",
                currentKeyId,
                "time",
                time);
    }

    /** The new key exists at Veryfi and is stored as AWSPENDING under {@code versionId}. */
    public static LifecycleEvent keyCreated(
            String account, String executionId, long newKeyId, String versionId, String time) {
        return of(
                Type.KEY_CREATED,
                account,
                "executionId",
                executionId,
                "newKeyId",
                newKeyId,
                "versionId",
                versionId,
                "time",
                time);
    }

    /**
     * Every consumer confirmed the new key (AWSCURRENT); the grace period starts. {@code
     * consumers}: each as {@code name: how it confirmed}, as the alert lists them.
     */
    public static LifecycleEvent consumersMoved(
            String account,
            String executionId,
            long newKeyId,
            List<String> consumers,
            int polls,
            String time) {
        return of(
                Type.CONSUMERS_MOVED,
                account,
                "executionId",
                executionId,
                "newKeyId",
                newKeyId,
                "consumersVerified",
                List.copyOf(consumers),
                "polls",
                polls,
                "time",
                time);
    }

    /** The old key is deleted at Veryfi; only the new one is live. */
    public static LifecycleEvent oldKeyDeleted(
            String account, String executionId, long oldKeyId, long newKeyId, String time) {
        return of(
                Type.OLD_KEY_DELETED,
                account,
                "executionId",
                executionId,
                "oldKeyId",
                oldKeyId,
                "newKeyId",
                newKeyId,
                "time",
                time);
    }

    /**
     * How a rotation ended ({@code type} is one of the four endings): {@code outcome} is the
     * alert's result, {@code step} where it stopped, {@code error} the error's name (its cause is
     * in the alert).
     */
    public static LifecycleEvent rotationEnded(
            Type type,
            String account,
            String executionId,
            String outcome,
            String step,
            String error,
            Long oldKeyId,
            Long newKeyId,
            String time) {
        return of(
                type,
                account,
                "executionId",
                executionId,
                "outcome",
                outcome,
                "step",
                step,
                "error",
                error,
                "oldKeyId",
                oldKeyId,
                "newKeyId",
                newKeyId,
                "time",
                time);
    }

    /**
     * An incident reset stored a new key: {@code versionId} is the reset's (one per reset); {@code
     * previousKeyId}, the key AWSCURRENT held, is dead (Veryfi's reset regenerates every key);
     * {@code deletedKeyIds} are surplus new keys it deleted, {@code pendingCleanupKeyIds} those
     * Veryfi refused to delete.
     */
    public static LifecycleEvent resetPerformed(
            String account,
            String versionId,
            long newKeyId,
            long previousKeyId,
            List<Long> deletedKeyIds,
            List<Long> pendingCleanupKeyIds,
            List<String> linkedSecretsUpdated,
            String time) {
        return of(
                Type.RESET_PERFORMED,
                account,
                "versionId",
                versionId,
                "newKeyId",
                newKeyId,
                "previousKeyId",
                previousKeyId,
                "deletedKeyIds",
                List.copyOf(deletedKeyIds),
                "pendingCleanupKeyIds",
                List.copyOf(pendingCleanupKeyIds),
                "linkedSecretsUpdated",
                List.copyOf(linkedSecretsUpdated),
                "time",
                time);
    }

    /** An incident reset failed: {@code result} is the alert's (LOCKED_OUT, RESET_FAILED, ...). */
    public static LifecycleEvent resetFailed(String account, String result, String time) {
        return of(Type.RESET_FAILED, account, "result", result, "time", time);
    }

    private static LifecycleEvent of(Type type, String account, Object... namesAndValues) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            facts.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new LifecycleEvent(type, account, facts);
    }
}
