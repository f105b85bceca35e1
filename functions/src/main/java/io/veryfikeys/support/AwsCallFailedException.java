package io.veryfikeys.support;

/**
 * An AWS call was refused for a reason another try will not fix (access denied, validation): the
 * message names the call, the resource and what AWS answered, never a secret value. {@link
 * #errorCode()} is AWS's error code ({@code ResourceNotFoundException}), for the caller that gives
 * one of them a meaning of its own; null when AWS answered but the answer itself was unusable.
 */
public class AwsCallFailedException extends RuntimeException {
    private final String errorCode;

    public AwsCallFailedException(String message) {
        this(message, null);
    }

    public AwsCallFailedException(String message, String errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }
}
