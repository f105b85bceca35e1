package io.veryfikeys.veryfi;

/** No key with that id exists at Veryfi (on delete: already gone). */
public class KeyNotFoundException extends VeryfiException {
    public KeyNotFoundException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
