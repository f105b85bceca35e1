package io.veryfikeys.rotation;

import java.util.List;
import java.util.Optional;

/**
 * The running rotations of an account, read from Step Functions itself: the executions are the
 * lock, so there is no lock table to leak or expire. Deployed, {@link StepFunctionsRotations}.
 */
public interface RunningRotations {
    /**
     * The ARNs of the running executions of {@code stateMachineArn} whose input names {@code
     * secretId}, oldest first.
     */
    List<String> of(String stateMachineArn, String secretId);

    /**
     * {@link #of(String, String)}, where {@code self} (or null) is a running execution already
     * known to rotate {@code secretId}: an implementation need not read its input again.
     */
    default List<String> of(String stateMachineArn, String secretId, String self) {
        return of(stateMachineArn, secretId);
    }

    /** Stops a running execution with the error {@code StoppedByReset}. */
    void stop(String executionArn, String cause);

    /**
     * The execution that owns the account's rotation: the oldest running one. Every contender
     * computes the same answer, so of N rotations started together exactly one goes ahead.
     */
    default Optional<String> ownerOtherThan(
            String stateMachineArn, String secretId, String executionArn) {
        return of(stateMachineArn, secretId, executionArn).stream()
                .findFirst()
                .filter(owner -> !owner.equals(executionArn));
    }
}
