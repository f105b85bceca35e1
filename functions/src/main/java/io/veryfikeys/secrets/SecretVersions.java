package io.veryfikeys.secrets;

import java.util.Map;
import java.util.Optional;

/**
 * Which version of a secret carries which staging label. The labels are the rotation's durable
 * state: AWSCURRENT is what consumers use, AWSPENDING a key not yet handed out, AWSPREVIOUS the key
 * before the last promotion, VERYFI_SURPLUS a key that an incident reset made and could not delete
 * (the next rotation removes it).
 */
public record SecretVersions(
        String secretId,
        String currentVersionId,
        Optional<String> pendingVersionId,
        Optional<String> previousVersionId,
        Optional<String> surplusVersionId,
        java.util.List<String> resetMarks) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    public static final String PREVIOUS = "AWSPREVIOUS";
    public static final String SURPLUS = "VERYFI_SURPLUS";

    /**
     * An incident reset in flight labels AWSCURRENT {@code VERYFI_RESETTING_<epoch
     * millisecond>_<id>} before it calls Veryfi and removes the label when done; a plan refuses the
     * account meanwhile. The time in the name is the lease: a mark older than {@link #RESET_LEASE}
     * is from a reset that crashed and is ignored.
     */
    public static final String RESETTING_PREFIX = "VERYFI_RESETTING_";

    public static final java.time.Duration RESET_LEASE = java.time.Duration.ofMinutes(5);

    public static SecretVersions of(
            String secretId, Map<String, ? extends java.util.Collection<String>> stagesByVersion) {
        String current = null;
        String pending = null;
        String previous = null;
        String surplus = null;
        java.util.List<String> marks = new java.util.ArrayList<>();
        for (var entry : stagesByVersion.entrySet()) {
            if (entry.getValue().contains(CURRENT)) {
                current = entry.getKey();
            }
            if (entry.getValue().contains(PENDING)) {
                pending = entry.getKey();
            }
            if (entry.getValue().contains(PREVIOUS)) {
                previous = entry.getKey();
            }
            if (entry.getValue().contains(SURPLUS)) {
                surplus = entry.getKey();
            }
            entry.getValue().stream()
                    .filter(label -> label.startsWith(RESETTING_PREFIX))
                    .forEach(marks::add);
        }
        if (current == null) {
            throw new InvalidSecretException("secret " + secretId + " has no AWSCURRENT version");
        }
        return new SecretVersions(
                secretId,
                current,
                Optional.ofNullable(pending),
                Optional.ofNullable(previous),
                Optional.ofNullable(surplus),
                java.util.List.copyOf(marks));
    }

    public boolean isCurrent(String versionId) {
        return currentVersionId.equals(versionId);
    }

    public boolean isPending(String versionId) {
        return pendingVersionId.filter(versionId::equals).isPresent();
    }

    /** The start of the latest reset still within its lease, if one is in flight. */
    public Optional<java.time.Instant> resetInProgressSince(java.time.Instant now) {
        return freshResetMarks(now).stream()
                .map(SecretVersions::markTime)
                .flatMap(Optional::stream)
                .max(java.util.Comparator.naturalOrder());
    }

    /**
     * The marks of resets in flight: within their lease, and not implausibly far ahead of {@code
     * now}.
     */
    public java.util.List<String> freshResetMarks(java.time.Instant now) {
        return resetMarks.stream()
                .filter(
                        mark ->
                                markTime(mark)
                                        .filter(
                                                t ->
                                                        !t.plus(RESET_LEASE).isBefore(now)
                                                                && !t.isAfter(
                                                                        now.plus(RESET_LEASE)))
                                        .isPresent())
                .toList();
    }

    static Optional<java.time.Instant> markTime(String label) {
        String rest = label.substring(RESETTING_PREFIX.length());
        int end = rest.indexOf('_');
        try {
            return Optional.of(
                    java.time.Instant.ofEpochMilli(
                            Long.parseLong(end < 0 ? rest : rest.substring(0, end))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
