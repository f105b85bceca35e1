package io.veryfikeys.consumers;

/** The consumer registry is missing or malformed; the message says where and what. */
public class InvalidConsumerRegistryException extends RuntimeException {
    public InvalidConsumerRegistryException(String message) {
        super(message);
    }
}
