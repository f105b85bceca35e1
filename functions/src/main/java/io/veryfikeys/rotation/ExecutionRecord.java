package io.veryfikeys.rotation;

/**
 * Before a step deletes a key or moves AWSCURRENT, the state it was handed must be the one its
 * execution recorded: whoever may invoke a step function could otherwise hand it a forged plan
 * ({@code consumers: []}) and have it delete a key in use. Deployed, the record is the execution's
 * history ({@link StepFunctionsExecutionRecord}).
 */
public interface ExecutionRecord {
    /**
     * @throws ForgedStateException naming what differs (ids and names only)
     */
    void confirm(RotationState state, String step);
}
