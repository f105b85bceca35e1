package io.veryfikeys.lambda;

import com.amazonaws.services.lambda.runtime.Context;

import java.time.Duration;

/**
 * How much of the current invocation is left. Lambda stops a function at its timeout and runs
 * nothing after it: a retry loop that outlasts the timeout loses its own error handling (the
 * reset's LOCKED_OUT alert above all) and leaves the state machine only "timed out". Two rules keep
 * every invocation inside its timeout, whatever the number of calls a step makes:
 *
 * <ul>
 *   <li>retry loops (Veryfi calls, AWS calls, the reset's store loop) wait and try again only while
 *       the next attempt ends before {@link #RESERVE} is left ({@link #allows});
 *   <li>no call starts unless its own bound ends {@link #SAFETY} before the timeout ({@link
 *       #mayStart}): every AWS call ({@code aws.SignedCall}) refuses it, retryably.
 * </ul>
 *
 * The reserve is what a step still does after its retries gave up: a Veryfi attempt's connect
 * timeout (its read timeout is clipped to the deadline, its connect timeout is not), the call in
 * progress, and the alert. RetryBudgetTemplateTest checks these figures against {@link
 * AwsCallTimeouts} and every function's Timeout in template.yaml.
 *
 * <p>Per thread: the local stack's in-process mode runs invocations of several functions in one
 * JVM. Without a Lambda context (unit tests, SnapStart priming) there is no deadline.
 */
public final class InvocationDeadline {
    public static final Duration RESERVE = Duration.ofSeconds(30);
    public static final Duration SAFETY = Duration.ofSeconds(2);
    private static final Duration NONE = Duration.ofDays(1);
    private static final ThreadLocal<Long> END_NANOS = new ThreadLocal<>();

    private InvocationDeadline() {}

    /** Called by {@link StepHandler} as an invocation starts (and by tests). */
    public static void begin(Context context) {
        if (context == null) {
            END_NANOS.remove();
            return;
        }
        END_NANOS.set(
                System.nanoTime()
                        + Duration.ofMillis(context.getRemainingTimeInMillis()).toNanos());
    }

    public static void end() {
        END_NANOS.remove();
    }

    /** This thread's deadline, for a worker of the same invocation ({@link Concurrently}). */
    static Long capture() {
        return END_NANOS.get();
    }

    /** Makes {@code endNanos} (from {@link #capture}) this thread's deadline; null for none. */
    static void adopt(Long endNanos) {
        if (endNanos == null) {
            END_NANOS.remove();
        } else {
            END_NANOS.set(endNanos);
        }
    }

    private static Duration untilTimeout() {
        Long end = END_NANOS.get();
        return end == null ? NONE : Duration.ofNanos(end - System.nanoTime());
    }

    /**
     * Time left for retries in this invocation (negative once past); very long without a deadline.
     */
    public static Duration remaining() {
        return untilTimeout().minus(RESERVE);
    }

    /**
     * Whether a retry that may take {@code time} (its wait included) still ends before the reserve.
     */
    public static boolean allows(Duration time) {
        return remaining().compareTo(time) >= 0;
    }

    /**
     * Whether a call bounded by {@code bound} ends at least {@link #SAFETY} before the function's
     * timeout.
     */
    public static boolean mayStart(Duration bound) {
        return untilTimeout().compareTo(bound.plus(SAFETY)) >= 0;
    }
}
