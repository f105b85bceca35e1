package io.veryfikeys.rotation;

/** Veryfi rejected the newly created key on the verification call. */
public class NewKeyRejectedException extends RuntimeException {
    public NewKeyRejectedException(String message) {
        super(message);
    }
}
