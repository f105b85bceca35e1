package io.veryfikeys.reset;

/** The reset happened at Veryfi but the new key could not be stored: the account is locked out. */
public class SecretWriteFailedException extends RuntimeException {
    public SecretWriteFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
