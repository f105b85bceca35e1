package io.veryfikeys.veryfi;

/** Credentials missing, wrong, revoked or not allowed (401/403); never retried. */
public class VeryfiAuthException extends VeryfiException {
    public VeryfiAuthException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
