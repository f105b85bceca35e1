package io.veryfikeys.rotation;

/**
 * A step was handed a state that its execution never produced: a plan, created key or rollout that
 * differs from what Step Functions recorded, or an execution that is not this stack's rotation of
 * that account. Nothing was changed; an alert says which step refused what.
 */
public final class ForgedStateException extends RuntimeException {
    public ForgedStateException(String message) {
        super(message);
    }
}
