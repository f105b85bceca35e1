package io.veryfikeys.rotation;

/**
 * Where the consumer-polling loop stands ({@code $.poll.status}, {@code $.revertPoll.status}); the
 * CheckConsumers and CheckRollback choices route on each value the loop can return there.
 */
public enum PollStatus {
    /** Poll again after the interval. */
    WAIT,
    /** Every consumer is on the target key and healthy, the required number of times in a row. */
    DONE,
    /** The poll timeout passed with consumers still lagging. */
    TIMEOUT,
    /** A consumer is unhealthy on the new key: roll back. Never while already rolling back. */
    REVERT;

    /** Whether the loop can return this while polling the rollback (it never reverts a revert). */
    public boolean possibleWhileReverting() {
        return this != REVERT;
    }
}
