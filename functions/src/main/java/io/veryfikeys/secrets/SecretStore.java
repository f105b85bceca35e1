package io.veryfikeys.secrets;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port to where the accounts' keys are kept: versions of a secret moved by staging labels
 * (AWSCURRENT, AWSPENDING, AWSPREVIOUS and this tool's own). Deployed, it is Secrets Manager
 * ({@link AccountSecrets}); unit tests use an in-memory store with the same label rules. A missing
 * secret is {@link SecretNotFoundException}.
 */
public interface SecretStore {
    SecretVersions versions(String secretId);

    AccountSecret read(String secretId, String versionId);

    AccountSecret readCurrent(String secretId);

    /** AWSCURRENT's value and the id of the version it was read from. */
    record Current(String versionId, AccountSecret secret) {}

    /**
     * AWSCURRENT read by its label, with the version id it answered from: lets a reader that also
     * asks for the versions send both at once and check that they agree.
     */
    Current readCurrentVersion(String secretId);

    /**
     * Whether a version with this id exists, labelled or not: how a repeated request finds its own
     * work.
     */
    boolean hasVersion(String secretId, String versionId);

    /**
     * Stores a new version under {@code versionId} with the AWSPENDING label (moved from any other
     * version).
     */
    void putPending(String secretId, String versionId, AccountSecret secret);

    /**
     * Stores a new version under {@code versionId} as AWSCURRENT; the old one becomes AWSPREVIOUS.
     */
    void putCurrent(String secretId, String versionId, AccountSecret secret);

    /**
     * Stores a surplus key that an incident reset could not delete under the VERYFI_SURPLUS label
     * (moved from any other version): the key is then held by a version, and the next rotation's
     * plan recognises it as the system's own and removes it instead of blocking on it.
     */
    void putSurplus(String secretId, String versionId, AccountSecret secret);

    /**
     * Moves AWSCURRENT from {@code fromVersionId} to {@code toVersionId}; the old one becomes
     * AWSPREVIOUS.
     */
    void moveCurrent(String secretId, String fromVersionId, String toVersionId);

    /** Attaches {@code label} (one that no other version carries) to {@code versionId}. */
    void addLabel(String secretId, String label, String versionId);

    void removeLabel(String secretId, String label, String versionId);

    /** A secret as the listing shows it: its name and tags (no value). */
    record Listed(String name, Map<String, String> tags) {}

    /**
     * Every secret whose name starts with {@code prefix}, with its tags, sorted by name: the fleet
     * reads the rotation tag and the policy tags from it, and names those without the rotation tag
     * (removing it silently takes a secret out of the scheduled rotation).
     */
    List<Listed> listUnder(String prefix);

    /**
     * When the version that AWSCURRENT labels was created (the current key's age); empty if the
     * store does not say.
     */
    Optional<Instant> currentCreated(String secretId);

    /** Every secret under {@code prefix} with the Veryfi account its AWSCURRENT holds. */
    SameAccountSecrets.Scan sameAccountScan(String prefix);
}
