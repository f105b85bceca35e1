package io.veryfikeys.secrets;

import java.util.Map;
import java.util.Optional;

/**
 * Which version of a secret carries which staging label. The labels are the rotation's
 * durable state: AWSCURRENT is what consumers use, AWSPENDING a key not yet handed out,
 * AWSPREVIOUS the key before the last promotion, VERYFI_SURPLUS a key that an incident reset made
 * and could not delete (the next rotation removes it).
 */
public record SecretVersions(String secretId, String currentVersionId, Optional<String> pendingVersionId,
                             Optional<String> previousVersionId, Optional<String> surplusVersionId) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    public static final String PREVIOUS = "AWSPREVIOUS";
    public static final String SURPLUS = "VERYFI_SURPLUS";

    static SecretVersions of(String secretId, Map<String, ? extends java.util.Collection<String>> stagesByVersion) {
        String current = null;
        String pending = null;
        String previous = null;
        String surplus = null;
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
        }
        if (current == null) {
            throw new InvalidSecretException("secret " + secretId + " has no AWSCURRENT version");
        }
        return new SecretVersions(secretId, current, Optional.ofNullable(pending), Optional.ofNullable(previous),
                Optional.ofNullable(surplus));
    }

    public boolean isCurrent(String versionId) {
        return currentVersionId.equals(versionId);
    }

    public boolean isPending(String versionId) {
        return pendingVersionId.filter(versionId::equals).isPresent();
    }
}
