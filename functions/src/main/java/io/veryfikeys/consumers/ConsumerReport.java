package io.veryfikeys.consumers;

/**
 * What one consumer's health endpoint said. {@code keyId} is null when it could not be read. A
 * consumer reports the id of the key it uses, never the key.
 */
public record ConsumerReport(String name, Long keyId, boolean healthy, String problem) {
    public boolean reachable() {
        return problem == null;
    }

    public boolean uses(long key) {
        return keyId != null && keyId == key;
    }
}
