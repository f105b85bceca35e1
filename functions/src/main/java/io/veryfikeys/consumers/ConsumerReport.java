package io.veryfikeys.consumers;

/**
 * What one consumer said (its health endpoint, its check-in, an operator's confirmation). {@code
 * keyId} is null when it could not be read. A consumer reports the id of the key it uses, never the
 * key. {@code verifiedBy} says how an answer was had (null when there was none): it goes into the
 * poll's state, so the execution history keeps who confirmed which key and when.
 */
public record ConsumerReport(
        String name, Long keyId, boolean healthy, String problem, String verifiedBy) {
    /** An answer from a health endpoint, or a problem. */
    public ConsumerReport(String name, Long keyId, boolean healthy, String problem) {
        this(name, keyId, healthy, problem, problem == null ? "health endpoint" : null);
    }

    public boolean reachable() {
        return problem == null;
    }

    public boolean uses(long key) {
        return keyId != null && keyId == key;
    }
}
