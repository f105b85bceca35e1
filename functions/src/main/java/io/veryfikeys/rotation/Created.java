package io.veryfikeys.rotation;

/** The new key, stored as AWSPENDING under {@code versionId}. */
public record Created(String versionId, long newKeyId) {}
