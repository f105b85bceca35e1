package io.veryfikeys.rotation;

/**
 * How long a rotation's execution history can grow with given settings. Step Functions fails an
 * execution whose history reaches 25,000 events, outside every Catch, so nobody is alerted
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html: "If the execution
 * history reaches this quota, the execution will fail"). The poll loops are what grows: settings
 * whose worst case could pass the limit are refused when the rotation is planned.
 */
public final class HistoryBudget {
    /** Step Functions' quota of events in one execution history (Standard workflows). */
    public static final int QUOTA = 25_000;

    /**
     * What the worst case may use: a fifth of the quota stays free for the Lambda retries inside
     * the loops (three events each), which no setting bounds.
     */
    public static final int LIMIT = 20_000;

    /**
     * One poll: the Task's entered and exited events and its Lambda scheduled, started and
     * succeeded events, the Choice's entered and exited, the Wait's entered and exited.
     */
    public static final int EVENTS_PER_POLL = 9;

    /**
     * Everything outside the loops on the longest path (plan, create, verify, promote, revert,
     * discard, report: seven Tasks of five events, the Choices, start and end), with every retry
     * each of those Tasks may make (17 after the first attempt, three events each).
     */
    public static final int OUTSIDE_THE_LOOPS = 400;

    private HistoryBudget() {}

    /**
     * The most events a rotation can record: the forward poll loop and, after a revert, the
     * rollback loop, each polling until its timeout (one poll at the start, one per interval, and
     * one that finds the timeout passed).
     */
    public static long worstCase(int pollIntervalSeconds, int pollTimeoutSeconds) {
        long pollsPerLoop = pollTimeoutSeconds / pollIntervalSeconds + 2L;
        return OUTSIDE_THE_LOOPS + 2L * EVENTS_PER_POLL * pollsPerLoop;
    }

    /** The longest poll timeout these settings allow at that interval. */
    public static int longestTimeout(int pollIntervalSeconds) {
        long polls = (LIMIT - OUTSIDE_THE_LOOPS) / (2L * EVENTS_PER_POLL) - 2;
        return (int)
                Math.min(Integer.MAX_VALUE, polls * pollIntervalSeconds + pollIntervalSeconds - 1);
    }
}
