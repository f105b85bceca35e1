package io.veryfikeys.secrets;

/** No secret (or no such version of it) exists under that id. */
public class SecretNotFoundException extends RuntimeException {
    public SecretNotFoundException(String message) {
        super(message);
    }
}
