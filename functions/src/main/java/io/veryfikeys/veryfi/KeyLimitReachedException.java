package io.veryfikeys.veryfi;

/** The account already has the maximum number of live keys (two). */
public class KeyLimitReachedException extends VeryfiException {
    public KeyLimitReachedException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
