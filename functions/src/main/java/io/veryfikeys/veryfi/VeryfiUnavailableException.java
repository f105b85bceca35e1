package io.veryfikeys.veryfi;

/** Veryfi could not be reached or answered 499/5xx, after the client's own retries: transient. */
public class VeryfiUnavailableException extends VeryfiException {
    public VeryfiUnavailableException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
