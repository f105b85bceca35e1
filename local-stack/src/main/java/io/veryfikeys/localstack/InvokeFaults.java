package io.veryfikeys.localstack;

import io.veryfikeys.localstack.LambdaHost.InvokeFault;

import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The ways an Invoke fails before a handler runs: faults a test queued for a function, and a
 * SnapStart version Lambda made inactive after 14 days without an invoke.
 */
final class InvokeFaults {

    /**
     * A published version's State in GetFunctionConfiguration, with its reason when it is not
     * Active.
     */
    record VersionState(String state, String reasonCode, String reason) {
        static final VersionState ACTIVE = new VersionState("Active", null, null);
    }

    private final Map<String, Deque<InvokeFault>> queued = new ConcurrentHashMap<>();

    /**
     * The function's snapshot is ready again at this System.nanoTime(); set by the first invoke
     * after idling.
     */
    private final Map<String, Long> idleUntilReady = new ConcurrentHashMap<>();

    private final Map<String, Duration> idleReadyAfter = new ConcurrentHashMap<>();

    void inject(String function, InvokeFault fault, int times) {
        Deque<InvokeFault> q = queued.computeIfAbsent(function, k -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) q.add(fault);
    }

    void clear() {
        queued.clear();
        idleUntilReady.clear();
        idleReadyAfter.clear();
    }

    void markIdle(String function, Duration readyAfter) {
        idleReadyAfter.put(function, readyAfter);
        idleUntilReady.remove(function);
    }

    /**
     * The fault this invoke of the function answers with, or null. The first invoke of an idle
     * version starts re-creating its snapshot. An init crash is not taken here: it happens in the
     * next sandbox started ({@link #takeInitCrash}).
     */
    InvokeFault take(String function) {
        Duration readyAfter = idleReadyAfter.get(function);
        if (readyAfter != null) {
            long now = System.nanoTime();
            Long readyAt =
                    idleUntilReady.computeIfAbsent(function, k -> now + readyAfter.toNanos());
            if (now < readyAt) return InvokeFault.SNAP_START_NOT_READY;
            idleReadyAfter.remove(function);
            idleUntilReady.remove(function);
        }
        Deque<InvokeFault> q = queued.get(function);
        if (q == null) return null;
        InvokeFault f = q.peek();
        if (f == null || f == InvokeFault.INIT_CRASH) return null;
        return q.poll();
    }

    /**
     * Whether the sandbox about to start for the function must crash in its init (and uses up that
     * fault).
     */
    boolean takeInitCrash(String function) {
        Deque<InvokeFault> q = queued.get(function);
        return q != null && q.peek() == InvokeFault.INIT_CRASH && q.remove(InvokeFault.INIT_CRASH);
    }

    /**
     * The state of the function's published version: Inactive until the first invoke after idling,
     * Pending while the snapshot is re-created, then Active
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html, "Lambda SnapStart and
     * function states"; https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html).
     */
    VersionState publishedVersionState(String function) {
        if (!idleReadyAfter.containsKey(function)) return VersionState.ACTIVE;
        Long readyAt = idleUntilReady.get(function);
        if (readyAt == null) {
            return new VersionState(
                    "Inactive",
                    "Idle",
                    "The function version has not been invoked for"
                            + " 14 days; its snapshot is re-created on the next invocation");
        }
        if (System.nanoTime() < readyAt) {
            return new VersionState("Pending", "Restoring", "The snapshot is being re-created");
        }
        return VersionState.ACTIVE;
    }
}
