package io.veryfikeys.lambda;

import io.veryfikeys.support.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs an AWS call on another thread of the same invocation, so that two independent calls wait on
 * the network together rather than one after the other (issue 18: the incident reset made 18 AWS
 * calls in a row). Never a Veryfi call: the request budget that paces those is per thread, and
 * stays with the invocation's own thread.
 *
 * <p>The worker carries what the invoking thread holds per thread, so that the call behaves exactly
 * as it would have on the invoking thread:
 *
 * <ul>
 *   <li>the log context (account, step, request id), so its lines are the invocation's;
 *   <li>the invocation's deadline ({@link InvocationDeadline}), so the call still refuses to start
 *       past it;
 *   <li>a running priming hook's state and canned answers ({@link Priming}): without them a worker
 *       started by priming would send its call to the network before the snapshot.
 * </ul>
 *
 * Platform threads, not virtual ones: HttpURLConnection, which every AWS call goes through, blocks
 * inside synchronized code, which in Java 21 pins a virtual thread to its carrier, and a function
 * with one vCPU has one carrier, so the calls would run one after the other again.
 */
public final class Concurrently {
    /** What this invocation's thread started, awaited as the invocation ends. */
    private static final ThreadLocal<List<Call<?>>> STARTED =
            ThreadLocal.withInitial(ArrayList::new);

    private Concurrently() {}

    /** A started read; {@link #join} waits for it. */
    public static final class Call<T> {
        private final FutureTask<T> task;

        private Call(FutureTask<T> task) {
            this.task = task;
        }

        /**
         * Its value, or the exception it threw, unchanged (the caller handles it as if it had made
         * the call itself).
         */
        public T join() {
            try {
                return task.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new CompletionException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "interrupted while waiting for a concurrent read", e);
            }
        }
    }

    /** Starts {@code work} on a new thread that carries this thread's invocation context. */
    public static <T> Call<T> start(Supplier<T> work) {
        FutureTask<T> task = new FutureTask<>(carrying(work::get)::call);
        Thread thread = new Thread(task, "veryfikeys-concurrent");
        thread.setDaemon(true);
        thread.start();
        Call<T> call = new Call<>(task);
        STARTED.get().add(call);
        return call;
    }

    /**
     * Waits for every call this thread started and nobody joined (an answer no longer needed, or
     * one abandoned by an exception), ignoring their failures: {@link StepHandler} calls it as an
     * invocation ends, since Lambda freezes a sandbox's threads between invocations and a call
     * still in flight would resume, and log as this invocation, during the next one.
     */
    public static void awaitStarted() {
        List<Call<?>> started = STARTED.get();
        for (Call<?> call : started) {
            try {
                call.join();
            } catch (RuntimeException | Error ignored) {
                // its caller no longer needed it
            }
        }
        started.clear();
    }

    /**
     * {@code work} wrapped to run with this thread's invocation context on whichever thread runs it
     * (an executor's worker), and to leave that thread clean afterwards.
     */
    public static <T> java.util.concurrent.Callable<T> carrying(
            java.util.concurrent.Callable<T> work) {
        Map<String, Object> log = Log.contextSnapshot();
        Long deadline = InvocationDeadline.capture();
        Priming.HookState hook = Priming.captureHook();
        return () -> {
            Log.adopt(log);
            InvocationDeadline.adopt(deadline);
            Priming.adoptHook(hook);
            try {
                return work.call();
            } finally {
                Log.clearContext();
                InvocationDeadline.adopt(null);
                Priming.adoptHook(new Priming.HookState(false, null));
            }
        };
    }
}
