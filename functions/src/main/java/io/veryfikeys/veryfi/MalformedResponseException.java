package io.veryfikeys.veryfi;

/** Veryfi answered with a body we cannot read. */
public class MalformedResponseException extends VeryfiException {
    public MalformedResponseException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
