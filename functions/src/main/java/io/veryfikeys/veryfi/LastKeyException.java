package io.veryfikeys.veryfi;

/** Veryfi refused to delete the account's last remaining key. */
public class LastKeyException extends VeryfiException {
    public LastKeyException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
