package io.veryfikeys.rotation;

/**
 * A secret that holds the same Veryfi account on purpose (the rotated secret's {@code
 * linkedSecrets}), and its AWSCURRENT version when the rotation planned: Promote stores the new key
 * in it under the rotation's version id, and a revert moves AWSCURRENT back to this version.
 */
public record LinkedCopy(String secretId, String currentVersionId) {}
