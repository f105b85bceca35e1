package io.veryfikeys.support;

/**
 * An AWS call failed in a way worth retrying (throttling, 5xx, I/O). One class name for the state
 * machine's Retry to match, whatever the service.
 */
public class AwsUnavailableException extends RuntimeException {
    public AwsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
