package io.veryfikeys.veryfi;

/**
 * 403: Veryfi knows the credentials but does not allow this call. Unlike a 401 the key is not dead,
 * and a reset would not help: the account (or the key) lacks a permission at Veryfi. A class of its
 * own so that the state machine and the alert can tell the two apart.
 */
public class VeryfiForbiddenException extends VeryfiAuthException {
    public VeryfiForbiddenException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
