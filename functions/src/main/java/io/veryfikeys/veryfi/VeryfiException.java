package io.veryfikeys.veryfi;

/**
 * Any failure talking to Veryfi. Subclasses are what callers (and the state machine's Retry/Catch,
 * which matches on the class name) decide on. Messages carry the HTTP status, Veryfi's error code
 * and trace id, never a key value.
 */
public abstract class VeryfiException extends RuntimeException {
    private final int status;

    protected VeryfiException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no response (I/O error, timeout). */
    public int status() {
        return status;
    }
}
