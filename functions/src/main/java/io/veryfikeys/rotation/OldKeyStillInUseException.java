package io.veryfikeys.rotation;

/**
 * A consumer still reports the old key, or cannot be asked, right before the delete: the key stays
 * live.
 */
public class OldKeyStillInUseException extends RuntimeException {
    public OldKeyStillInUseException(String message) {
        super(message);
    }
}
