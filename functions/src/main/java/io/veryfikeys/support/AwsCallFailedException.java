package io.veryfikeys.support;

/**
 * An AWS call was refused for a reason another try will not fix (access denied, validation): the
 * message names the call, the resource and what AWS answered, never a secret value.
 */
public class AwsCallFailedException extends RuntimeException {
    public AwsCallFailedException(String message) {
        super(message);
    }
}
