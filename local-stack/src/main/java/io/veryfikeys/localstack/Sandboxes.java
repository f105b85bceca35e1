package io.veryfikeys.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The execution environments of every function, as Lambda keeps them: an invocation takes a warm
 * idle sandbox, or starts a new one when all are busy. Unlike Lambda, at most {@code
 * maxPerFunction} run at once per function (this machine has two cores); a further invocation waits
 * for one.
 */
final class Sandboxes implements AutoCloseable {

    private final class Pool {
        final List<Sandbox> all = new ArrayList<>();
        final List<Sandbox> idle = new ArrayList<>();
    }

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final ContainerCredentialsEndpoint credentials;
    private final BiConsumer<Sandbox, String> logLines;
    private final Map<String, String> hostEnvironment;
    private final int maxPerFunction;
    private final ExecutorService executor;
    private final ScheduledExecutorService timers;
    private final AtomicInteger started = new AtomicInteger();

    /**
     * Every sandbox started and not yet closed, pooled or not: close() must leave no process
     * behind.
     */
    private final java.util.Set<Sandbox> live = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * CPU used by the sandboxes already stopped: all of it, and up to each first invocation's end.
     */
    private final AtomicLong stoppedCpuMillis = new AtomicLong();

    private final AtomicLong stoppedFirstInvocationCpuMillis = new AtomicLong();

    Sandboxes(
            ContainerCredentialsEndpoint credentials,
            BiConsumer<Sandbox, String> logLines,
            Map<String, String> hostEnvironment,
            int maxPerFunction) {
        this.credentials = credentials;
        this.logLines = logLines;
        this.hostEnvironment = hostEnvironment;
        this.maxPerFunction = maxPerFunction;
        AtomicLong n = new AtomicLong();
        this.executor =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "runtime-api-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.timers =
                Executors.newScheduledThreadPool(
                        1,
                        r -> {
                            Thread t = new Thread(r, "sandbox-timers");
                            t.setDaemon(true);
                            return t;
                        });
        // A JVM that exits without closing its stack still stops its sandboxes. (One killed
        // outright loses them too: the runtime client in each exits when its Runtime API stops
        // answering.)
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private final Thread shutdownHook =
            new Thread(() -> live.forEach(Sandbox::close), "sandboxes-shutdown");

    private final List<ColdStart> coldStarts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs the invocation in a warm sandbox of the function, or a new one. */
    Sandbox.Outcome invoke(Sandbox.Spec spec, String requestId, byte[] payload) {
        Sandbox sandbox = acquire(spec);
        boolean cold = sandbox.coldStart() == null;
        try {
            return sandbox.invoke(requestId, payload);
        } finally {
            if (cold && sandbox.coldStart() != null) coldStarts.add(sandbox.coldStart());
            release(spec.function(), sandbox);
        }
    }

    /** Every sandbox's first invocation so far, in order. */
    List<ColdStart> coldStarts() {
        return List.copyOf(coldStarts);
    }

    private Sandbox acquire(Sandbox.Spec spec) {
        Pool pool = pools.computeIfAbsent(spec.function(), k -> new Pool());
        synchronized (pool) {
            while (true) {
                if (closed) throw new IllegalStateException("the Lambda host is closed");
                pool.all.removeIf(s -> !s.alive());
                pool.idle.removeIf(s -> !s.alive());
                if (!pool.idle.isEmpty()) return pool.idle.remove(pool.idle.size() - 1);
                if (pool.all.size() < maxPerFunction) {
                    Sandbox s =
                            Sandbox.start(
                                    spec.function() + "-" + started.incrementAndGet(),
                                    spec,
                                    credentials,
                                    executor,
                                    timers,
                                    logLines,
                                    hostEnvironment);
                    pool.all.add(s);
                    live.add(s);
                    return s;
                }
                try {
                    pool.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(
                            "interrupted while waiting for a sandbox of " + spec.function(), e);
                }
            }
        }
    }

    private void release(String function, Sandbox sandbox) {
        Pool pool = pools.get(function);
        boolean keep;
        synchronized (pool) {
            keep = sandbox.alive() && pool.all.contains(sandbox) && !closed;
            if (keep) pool.idle.add(sandbox);
            else pool.all.remove(sandbox);
            pool.notifyAll();
        }
        if (!keep) {
            stop(sandbox); // retired while busy, or dead
            live.remove(sandbox);
        }
    }

    /**
     * Stops the function's sandboxes: the next invocation is a cold start. Busy ones stop when they
     * finish.
     */
    void retire(String function) {
        Pool pool = pools.get(function);
        if (pool == null) return;
        List<Sandbox> stop;
        synchronized (pool) {
            stop = new ArrayList<>(pool.idle);
            pool.idle.clear();
            pool.all.clear(); // release() closes the busy ones, no longer pooled
        }
        stop.forEach(this::stop);
        live.removeAll(stop);
    }

    void retireAll() {
        pools.keySet().forEach(this::retire);
    }

    /** The live sandboxes: function → their process ids (tests, the demo's process listing). */
    Map<String, List<Long>> processes() {
        Map<String, List<Long>> m = new java.util.TreeMap<>();
        pools.forEach(
                (f, pool) -> {
                    synchronized (pool) {
                        List<Long> pids =
                                pool.all.stream().filter(Sandbox::alive).map(Sandbox::pid).toList();
                        if (!pids.isEmpty()) m.put(f, pids);
                    }
                });
        return m;
    }

    /** How many sandboxes were started since the host started (cold starts). */
    int started() {
        return started.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        List<Sandbox> all = new ArrayList<>();
        pools.values()
                .forEach(
                        pool -> {
                            synchronized (pool) {
                                all.addAll(pool.all);
                                pool.all.clear();
                                pool.idle.clear();
                                pool.notifyAll();
                            }
                        });
        all.addAll(live);
        new java.util.LinkedHashSet<>(all).parallelStream().forEach(this::stop);
        live.clear();
        executor.shutdownNow();
        timers.shutdownNow();
        if (started.get() > 0)
            System.err.printf(
                    "local-stack: %d sandboxes started; their JVMs used %.1f s of CPU, %.1f s of it"
                            + " up to the end of each one's first invocation%n",
                    started.get(),
                    stoppedCpuMillis.get() / 1000.0,
                    stoppedFirstInvocationCpuMillis.get() / 1000.0);
    }

    /** Stops a sandbox, counting the CPU its JVM used (once: a stopped JVM reports none). */
    private void stop(Sandbox sandbox) {
        long cpu = sandbox.alive() ? sandbox.cpuMillis() : 0;
        long first = sandbox.firstInvocationCpuMillis();
        sandbox.close();
        if (cpu > 0) {
            stoppedCpuMillis.addAndGet(cpu);
            stoppedFirstInvocationCpuMillis.addAndGet(Math.max(0, first));
        }
    }
}
