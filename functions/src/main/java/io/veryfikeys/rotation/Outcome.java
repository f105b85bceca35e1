package io.veryfikeys.rotation;

/**
 * How a rotation ended: what the Report states pass as {@code outcome} and what the alert says as
 * {@code result}. The state machine routes a BLOCKED report to BlockedByConfiguration
 * (StateMachineContractTest checks each name the definitions use against this list).
 */
public enum Outcome {
    SUCCEEDED,
    /**
     * Refused on a configuration problem: nothing changed, running again unchanged fails the same
     * way.
     */
    BLOCKED,
    ALREADY_RUNNING,
    /** Consumers did not all move in time: both keys stay live. */
    CONSUMERS_LAGGING,
    REVERTED,
    REVERT_INCOMPLETE,
    NEW_KEY_REJECTED,
    FAILED
}
