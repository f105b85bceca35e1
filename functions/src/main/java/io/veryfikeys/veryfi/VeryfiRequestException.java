package io.veryfikeys.veryfi;

/** Any other 4xx (bad input, payload too large): our mistake, never retried. */
public class VeryfiRequestException extends VeryfiException {
    public VeryfiRequestException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
