package io.veryfikeys.veryfi;

/**
 * What a call to Veryfi does about the fleet-wide request budget ({@link RequestBudget}): a pure
 * decision, table-tested in BudgetDecisionTest.
 *
 * <p>The budget is counted per wall-clock second. A slot taken in the last {@link #SEND_MARGIN_MS}
 * ms of a second could be counted by Veryfi in the next one, so near the end of a second the call
 * first waits for the next, and a slot granted too late is not used. When the second is full, the
 * call waits for the next second; when the store cannot answer, or no time is left to wait, the
 * call goes uncounted (a rotation never fails for want of its pacing: Veryfi's 429 with Retry-After
 * remains the backstop) and says so in the log.
 */
public final class BudgetDecision {
    /** Slots are not taken this close to the end of a second. */
    static final long SEND_MARGIN_MS = 500;

    /** Time a call must still have, after waiting for a slot, to be worth sending counted. */
    static final long MIN_LEFT_MS = 20_000;

    /** What the store said when asked for a slot in this second. */
    public enum Answer {
        TAKEN,
        FULL,
        UNAVAILABLE
    }

    public enum Kind {
        /** Send now, counted. */
        SEND,
        /** Send now, not counted (the reason says why). */
        SEND_UNCOUNTED,
        /** Wait {@code waitMillis}, then ask again. */
        WAIT
    }

    public record Step(Kind kind, long waitMillis, String reason) {}

    private BudgetDecision() {}

    /** How long to wait before asking for a slot at {@code nowMillis}: 0, or to the next second. */
    public static long waitBeforeAsking(long nowMillis) {
        long into = Math.floorMod(nowMillis, 1000L);
        return into >= 1000 - SEND_MARGIN_MS ? 1000 - into : 0;
    }

    /**
     * After the store's answer about a slot of {@code slotSecond}: {@code remainingMillis} is the
     * time the invocation has left, and {@code jitterMillis} (0-99) spreads the waiters of a full
     * second over the next one's start. A slot granted too late to be used within its second (the
     * store was slow to answer) is left unused, and the next second's asked for: a request sent
     * then would be counted by Veryfi in a second that already has its budget.
     */
    public static Step afterAnswer(
            Answer answer,
            long slotSecond,
            long nowMillis,
            long remainingMillis,
            long jitterMillis) {
        return switch (answer) {
            case TAKEN ->
                    nowMillis < (slotSecond + 1) * 1000 - SEND_MARGIN_MS
                            ? new Step(Kind.SEND, 0, null)
                            : new Step(
                                    Kind.WAIT,
                                    Math.max(0, (slotSecond + 1) * 1000 - nowMillis),
                                    "the slot came too late to use in its second");
            case UNAVAILABLE ->
                    new Step(
                            Kind.SEND_UNCOUNTED,
                            0,
                            "the request budget's table did not answer; Veryfi's 429 paces instead");
            case FULL -> {
                long wait = 1000 - Math.floorMod(nowMillis, 1000L) + jitterMillis;
                yield remainingMillis - wait < MIN_LEFT_MS
                        ? new Step(
                                Kind.SEND_UNCOUNTED,
                                0,
                                "no time left in this invocation to wait for a slot; Veryfi's 429"
                                        + " paces instead")
                        : new Step(Kind.WAIT, wait, null);
            }
        };
    }
}
