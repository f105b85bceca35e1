package io.veryfikeys.secrets;

import java.util.List;

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

    /**
     * Names of the secrets whose name starts with {@code prefix} and that carry tag {@code
     * tagKey}={@code tagValue}.
     */
    List<String> listTagged(String prefix, String tagKey, String tagValue);

    /**
     * Names of the secrets under {@code prefix} that do not carry {@code tagKey}={@code tagValue}:
     * removing the tag silently takes a secret out of the scheduled rotation, so the fleet lists
     * them.
     */
    List<String> listUntagged(String prefix, String tagKey, String tagValue);

    /** Every secret under {@code prefix} with the Veryfi account its AWSCURRENT holds. */
    SameAccountSecrets.Scan sameAccountScan(String prefix);
}
