package io.veryfikeys.reset;

/** Veryfi refused the reset call; nothing was changed at Veryfi or in the secret. */
public class ResetFailedException extends RuntimeException {
    public ResetFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
