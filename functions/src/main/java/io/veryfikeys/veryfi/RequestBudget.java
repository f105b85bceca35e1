package io.veryfikeys.veryfi;

import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.support.Log;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fleet-wide budget of requests a second to Veryfi (the template's VeryfiRequestsPerSecond),
 * taken before every request a rotation sends, retries included. Counted in a table the functions
 * share ({@link Windows}: deployed, DynamoDB's conditional UpdateItem on one item per second), so
 * it holds however many rotations run at once and however their starts drift; the fleet's spread of
 * start times ({@code fleet.FleetPacing}) only keeps the waiting short. README: "Veryfi's rate
 * limit".
 *
 * <p>The budget of the running invocation is set by the step from its plan ({@link #use}); none set
 * (the incident reset, a plan made before the budget existed, a test) means no pacing: a reset in
 * an incident never waits behind a fleet run.
 */
public final class RequestBudget {
    /** The shared count of requests per second. */
    @FunctionalInterface
    public interface Windows {
        /**
         * Takes one request of {@code epochSecond} if fewer than {@code perSecond} were taken;
         * false when that second is full. Throws when the store cannot answer.
         */
        boolean take(long epochSecond, int perSecond);
    }

    /** Waits; replaced in unit tests by one that moves a clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Log LOG = Log.get(RequestBudget.class);
    private static volatile Windows windows;
    private static final ThreadLocal<Integer> PER_SECOND = new ThreadLocal<>();

    private RequestBudget() {}

    /** Where the counts are kept; set once per sandbox. */
    public static void install(Windows shared) {
        windows = shared;
    }

    /** The budget of this invocation's requests, or null for none. */
    public static void use(Integer perSecond) {
        if (perSecond == null) {
            PER_SECOND.remove();
        } else {
            PER_SECOND.set(perSecond);
        }
    }

    /** Waits, if the budget says so, until this request may be sent. */
    static void acquire(Clock clock, Sleeper sleeper, String operation)
            throws InterruptedException {
        Integer perSecond = PER_SECOND.get();
        Windows shared = windows;
        if (perSecond == null || shared == null) {
            return;
        }
        long waited = 0;
        while (true) {
            long early = BudgetDecision.waitBeforeAsking(clock.millis());
            if (early > 0) {
                sleeper.sleep(Duration.ofMillis(early));
                waited += early;
            }
            long second = Math.floorDiv(clock.millis(), 1000L);
            BudgetDecision.Answer answer;
            try {
                answer =
                        shared.take(second, perSecond)
                                ? BudgetDecision.Answer.TAKEN
                                : BudgetDecision.Answer.FULL;
            } catch (RuntimeException e) {
                answer = BudgetDecision.Answer.UNAVAILABLE;
            }
            BudgetDecision.Step step =
                    BudgetDecision.afterAnswer(
                            answer,
                            second,
                            clock.millis(),
                            InvocationDeadline.remaining().toMillis(),
                            ThreadLocalRandom.current().nextLong(100));
            switch (step.kind()) {
                case SEND -> {
                    if (waited > 0) {
                        LOG.info(
                                "veryfi.budget_waited",
                                "operation",
                                operation,
                                "waitedMs",
                                waited,
                                "perSecond",
                                perSecond);
                    }
                    return;
                }
                case SEND_UNCOUNTED -> {
                    LOG.warn(
                            "veryfi.budget_uncounted",
                            "operation",
                            operation,
                            "reason",
                            step.reason(),
                            "waitedMs",
                            waited);
                    return;
                }
                case WAIT -> {
                    sleeper.sleep(Duration.ofMillis(step.waitMillis()));
                    waited += step.waitMillis();
                }
            }
        }
    }
}
