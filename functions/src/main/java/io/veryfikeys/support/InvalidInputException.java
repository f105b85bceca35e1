package io.veryfikeys.support;

/**
 * The event given to a handler is not what it accepts. Nothing has been changed when this is
 * thrown: handlers validate before they touch Veryfi or Secrets Manager.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
