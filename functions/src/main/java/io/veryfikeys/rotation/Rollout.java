package io.veryfikeys.rotation;

/** A promotion: consumers are moving from the old key to the new one. */
public record Rollout(long newKeyId, long oldKeyId, String newVersionId, String oldVersionId) {}
