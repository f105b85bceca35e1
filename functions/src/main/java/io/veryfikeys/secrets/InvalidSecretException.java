package io.veryfikeys.secrets;

/** The secret does not hold what an account secret must; names the member, never a value. */
public class InvalidSecretException extends RuntimeException {
    public InvalidSecretException(String message) {
        super(message);
    }
}
