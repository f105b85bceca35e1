package io.veryfikeys.rotation;

/**
 * What the Plan step decided ({@code $.plan.action}); the rotation state machine's RouteByPlan
 * routes on each (StateMachineContractTest checks that every value has its route and no route names
 * another).
 */
public enum PlanAction {
    /** Create a new key, roll it out, delete the old one. */
    ROTATE,
    /**
     * An interrupted rotation left the old key live and some consumer on it: confirm and delete it,
     * no new key.
     */
    FINISH_PREVIOUS,
    /** A configuration problem: nothing is changed; the alert says what to fix. */
    BLOCKED,
    /** Another execution is rotating this account. */
    ALREADY_RUNNING
}
