package io.veryfikeys.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Waits, before each child JVM starts, until this machine's CPUs are mostly idle, so that every
 * cold start, the hello-world floor's included, starts in the same conditions. Without it a child
 * started while the local stack was still busy with the previous step (moto answering, the state
 * machine moving on, the last child exiting) paid for that work: Reset's JVM start alone measured
 * 277 ms against the floor's 192 ms in one run, on the same JVM and options. The wait is outside
 * the timed span; how long it took and how busy the CPUs were when it began are printed with the
 * table. Linux only (it reads /proc/stat); elsewhere it does not wait.
 */
final class Quiet {
    /** Busy share of all CPUs over {@link #WINDOW_MS} below which a child may start. */
    static final double MAX_BUSY = 0.25;

    static final long WINDOW_MS = 100;
    static final long MAX_WAIT_MS = 3_000;
    private static final Path STAT = Path.of("/proc/stat");

    private static final List<Long> WAITED = Collections.synchronizedList(new ArrayList<>());
    private static final List<Double> BUSY_AT_ARRIVAL =
            Collections.synchronizedList(new ArrayList<>());
    private static int gaveUp;

    private Quiet() {}

    /** Returns once a window of {@link #WINDOW_MS} was quiet, or after {@link #MAX_WAIT_MS}. */
    static void await() {
        long[] before = sample();
        if (before == null) {
            return;
        }
        long started = System.nanoTime();
        boolean first = true;
        while (true) {
            sleep(WINDOW_MS);
            long[] now = sample();
            double busy = busy(before, now);
            before = now;
            if (first) {
                BUSY_AT_ARRIVAL.add(busy);
                first = false;
            }
            long waited = (System.nanoTime() - started) / 1_000_000;
            if (busy <= MAX_BUSY) {
                WAITED.add(waited);
                return;
            }
            if (waited >= MAX_WAIT_MS) {
                synchronized (Quiet.class) {
                    gaveUp++;
                }
                WAITED.add(waited);
                return;
            }
        }
    }

    /** One line for the table's header, or empty if nothing waited. */
    static String summary() {
        if (WAITED.isEmpty()) {
            return "";
        }
        Stats waited = Stats.of(new ArrayList<>(WAITED), Long::doubleValue);
        Stats busy = Stats.of(new ArrayList<>(BUSY_AT_ARRIVAL), b -> b * 100);
        return String.format(
                java.util.Locale.ROOT,
                "; before each of %d child JVMs, waited for a %d ms window with the CPUs ≤%.0f%% busy: %.0f ms median (max %.0f), %d gave up after %d ms; CPUs busy when the wait began %.0f%% median (max %.0f%%)",
                WAITED.size(),
                WINDOW_MS,
                MAX_BUSY * 100,
                waited.median(),
                waited.max(),
                gaveUp,
                MAX_WAIT_MS,
                busy.median(),
                busy.max());
    }

    /** The aggregate CPU line of /proc/stat as {busy, total} jiffies, or null off Linux. */
    private static long[] sample() {
        try {
            String cpu = Files.readAllLines(STAT).get(0);
            String[] f = cpu.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long total = 0;
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static double busy(long[] before, long[] now) {
        long total = now[1] - before[1];
        return total <= 0 ? 0 : (double) (now[0] - before[0]) / total;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for quiet", e);
        }
    }
}
