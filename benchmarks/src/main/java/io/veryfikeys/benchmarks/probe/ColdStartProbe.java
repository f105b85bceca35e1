package io.veryfikeys.benchmarks.probe;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The child JVM of the benchmark: what a Lambda execution environment does on a cold start, timed.
 * Loads and initialises the handler class, constructs it, optionally runs the SnapStart priming
 * hooks (as a checkpoint would), invokes it once with the event, optionally a second time (warm),
 * and writes the figures as one JSON object. Uses nothing but the JDK and the Lambda core
 * interfaces, so it adds nothing to what it measures; management beans are read only after the
 * timed part.
 *
 * <p>Arguments: {@code resultFile handlerClass prime|noprime eventFile [secondEventFile]}.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        // The handler's log lines (client.built, aws.call, veryfi.call) say where its time went;
        // keep them while still passing them on (children.log).
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(
                new PrintStream(
                        new OutputStream() {
                            @Override
                            public void write(int b) {
                                logged.write(b);
                                stdout.write(b);
                            }

                            @Override
                            public void write(byte[] b, int off, int len) {
                                logged.write(b, off, len);
                                stdout.write(b, off, len);
                            }
                        },
                        true));
        Path result = Path.of(args[0]);
        String handlerClass = args[1];
        boolean prime = "prime".equals(args[2]);
        byte[] event = Files.readAllBytes(Path.of(args[3]));
        byte[] second = args.length > 4 ? Files.readAllBytes(Path.of(args[4])) : null;
        String function = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", handlerClass);

        StringBuilder json = new StringBuilder("{");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String error = null;
        long t1 = t0;
        long t2 = t0;
        long t3 = t0;
        long doneAt = 0;
        long secondNanos = -1;
        java.time.Instant invokeStartedAt = null;
        int invokeLogFrom = 0;
        int invokeLogTo = 0;
        try {
            RequestStreamHandler handler =
                    (RequestStreamHandler)
                            Class.forName(handlerClass).getDeclaredConstructor().newInstance();
            t1 = System.nanoTime();
            if (prime) {
                Class.forName("io.veryfikeys.lambda.Priming").getMethod("primeNow").invoke(null);
            }
            String jfrDir = System.getenv("PROBE_JFR_DIR");
            FirstInvokeRecording recording = jfrDir == null ? null : FirstInvokeRecording.start();
            t2 = System.nanoTime();
            invokeStartedAt = java.time.Instant.now();
            invokeLogFrom = logged.size();
            handler.handleRequest(
                    new ByteArrayInputStream(event),
                    out,
                    new ProbeContext(function, UUID.randomUUID().toString()));
            t3 = System.nanoTime();
            if (recording != null) {
                recording.stopAndDump(
                        Path.of(
                                jfrDir,
                                function
                                        + (prime ? "-primed-" : "-fresh-")
                                        + ProcessHandle.current().pid()
                                        + ".jfr"));
            }
            doneAt = System.currentTimeMillis();
            invokeLogTo = logged.size();
            if (second != null) {
                long s = System.nanoTime();
                handler.handleRequest(
                        new ByteArrayInputStream(second),
                        new ByteArrayOutputStream(),
                        new ProbeContext(function, UUID.randomUUID().toString()));
                secondNanos = System.nanoTime() - s;
            }
        } catch (Throwable e) {
            Throwable cause =
                    e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                            ? e.getCause()
                            : e;
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            System.err.println(trace);
            error = cause.getClass().getName() + ": " + cause.getMessage();
        }
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        var memory = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long gcs =
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .mapToLong(g -> Math.max(0, g.getCollectionCount()))
                        .sum();
        field(json, "vmStartAtMillis", ManagementFactory.getRuntimeMXBean().getStartTime());
        field(json, "mainAtMillis", mainAt);
        field(json, "doneAtMillis", doneAt);
        field(json, "initMicros", (t1 - t0) / 1000);
        field(json, "primeMicros", (t2 - t1) / 1000);
        field(json, "invokeMicros", (t3 - t2) / 1000);
        field(json, "secondInvokeMicros", secondNanos < 0 ? -1 : secondNanos / 1000);
        field(
                json,
                "classesLoaded",
                ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        field(json, "cpuMillis", os.getProcessCpuTime() / 1_000_000);
        field(json, "heapUsedBytes", memory.getUsed());
        field(json, "gcCount", gcs);
        field(json, "classLoadingMillis", classLoadingMillis());
        String invokeLog =
                new String(
                        logged.toByteArray(),
                        invokeLogFrom,
                        Math.max(0, invokeLogTo - invokeLogFrom),
                        java.nio.charset.StandardCharsets.UTF_8);
        String initLog =
                new String(
                        logged.toByteArray(),
                        0,
                        invokeLogFrom,
                        java.nio.charset.StandardCharsets.UTF_8);
        json.append("\"initClients\":").append(quote(clients(initLog))).append(',');
        json.append("\"invokeClients\":").append(quote(clients(invokeLog))).append(',');
        long[] aws = calls(invokeLog, "aws.call");
        long[] veryfi = calls(invokeLog, "veryfi.call");
        field(json, "awsCalls", aws[0]);
        field(json, "awsMillis", aws[1]);
        field(json, "awsWireMillis", aws[2]);
        field(json, "firstAwsMillis", aws[3]);
        field(json, "firstAwsWireMillis", aws[4]);
        field(json, "veryfiCalls", veryfi[0]);
        field(json, "veryfiMillis", veryfi[1]);
        // The request budget's deliberate waits before a Veryfi call (issue 15), apart: they are
        // no cold-start cost, and a warm invocation waits as much.
        long waited = 0;
        for (String line : invokeLog.split("\n")) {
            if (line.contains("\"event\":\"veryfi.budget_waited\"")) {
                waited += Math.max(0, number(line, "waitedMs"));
            }
        }
        field(json, "budgetWaitedMillis", waited);
        // Calls made concurrently overlap: the time on the network is the union of the calls'
        // intervals, not their sum.
        field(json, "networkMillis", networkMillis(invokeLog, null));
        field(json, "callsInARow", callsInARow(invokeLog));
        java.time.Instant stored = loggedAt(invokeLog, "reset.stored_current");
        field(
                json,
                "storedAtMillis",
                stored == null || invokeStartedAt == null
                        ? -1
                        : java.time.Duration.between(invokeStartedAt, stored).toMillis());
        field(
                json,
                "networkBeforeStoredMillis",
                stored == null ? -1 : networkMillis(invokeLog, stored));
        json.append("\"error\":").append(error == null ? "null" : quote(error)).append('}');
        Files.write(Path.of(args[0] + ".out"), out.toByteArray());
        Files.writeString(result, json);
        System.exit(0);
    }

    /**
     * HotSpot's own account of class loading, linking, verification and static initialisers for the
     * whole process (what {@code jstat -class} calls Time): needs {@code --add-exports
     * java.management/sun.management=ALL-UNNAMED}; -1 without it.
     */
    private static long classLoadingMillis() {
        try {
            Object bean =
                    Class.forName("sun.management.ManagementFactoryHelper")
                            .getMethod("getHotspotClassLoadingMBean")
                            .invoke(null);
            return (Long)
                    Class.forName("sun.management.HotspotClassLoadingMBean")
                            .getMethod("getClassLoadingTime")
                            .invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** "client millis, ..." from the handler's client.built lines. */
    private static String clients(String log) {
        StringBuilder out = new StringBuilder();
        Matcher m =
                Pattern.compile(
                                "\"event\":\"client\\.built\".*?\"client\":\"([^\"]+)\".*?\"millis\":(\\d+)")
                        .matcher(log);
        while (m.find()) {
            out.append(out.isEmpty() ? "" : ", ").append(m.group(1)).append(' ').append(m.group(2));
        }
        return out.toString();
    }

    /**
     * {count, total ms, wire ms, first call ms, first call wire ms} of the handler's {@code event}
     * lines.
     */
    private static long[] calls(String log, String event) {
        long[] r = new long[5];
        for (String line : log.split("\n")) {
            if (!line.contains("\"event\":\"" + event + "\"")) {
                continue;
            }
            long duration = number(line, "durationMs");
            long wire = number(line, "wireMs");
            if (r[0] == 0) {
                r[3] = duration;
                r[4] = wire;
            }
            r[0]++;
            r[1] += Math.max(0, duration);
            r[2] += Math.max(0, wire);
        }
        return r;
    }

    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    /** When the first line of {@code event} was logged, or null. */
    private static java.time.Instant loggedAt(String log, String event) {
        for (String line : log.split("\n")) {
            if (line.contains("\"event\":\"" + event + "\"")) {
                Matcher m = TIME.matcher(line);
                return m.find() ? java.time.Instant.parse(m.group(1)) : null;
            }
        }
        return null;
    }

    /**
     * Milliseconds during which at least one call was on the network, for the calls that ended by
     * {@code until} (all if null): an AWS call's wire time ends when its line is logged (what
     * follows it, the unmarshal, takes a few ms once primed), a Veryfi call's whole duration
     * counts.
     */
    static long networkMillis(String log, java.time.Instant until) {
        java.util.List<long[]> intervals = spans(log, until, true);
        long total = 0;
        long from = Long.MIN_VALUE;
        long to = Long.MIN_VALUE;
        for (long[] i : intervals) {
            if (i[0] > to) {
                total += to - from;
                from = i[0];
                to = i[1];
            } else {
                to = Math.max(to, i[1]);
            }
        }
        total += to - from;
        return total / 1000;
    }

    /**
     * How many of the invocation's AWS and Veryfi calls were waited for one after another: calls
     * whose spans overlap (by more than the 2 ms a span's whole-millisecond duration may be off)
     * count as one round trip. On moto, overlapping calls still take turns (one Python process), so
     * this, not the milliseconds, is what shows the round trips saved where AWS answers calls side
     * by side.
     */
    static int callsInARow(String log) {
        java.util.List<long[]> spans = spans(log, null, false);
        int inARow = 0;
        long to = 0;
        for (long[] span : spans) {
            if (inARow == 0 || span[0] >= to - 2000) {
                inARow++;
                to = span[1];
            } else {
                to = Math.max(to, span[1]);
            }
        }
        return inARow;
    }

    /**
     * The {start, end} in microseconds of each AWS and Veryfi call that ended by {@code until} (all
     * if null), sorted by start. A call ends when its line is logged; it lasts its durationMs, or
     * for an AWS call with {@code awsWireOnly} its wireMs (what follows the wire, the unmarshal,
     * takes a few ms once primed).
     */
    private static java.util.List<long[]> spans(
            String log, java.time.Instant until, boolean awsWireOnly) {
        java.util.List<long[]> spans = new java.util.ArrayList<>();
        for (String line : log.split("\n")) {
            boolean aws = line.contains("\"event\":\"aws.call\"");
            if (!aws && !line.contains("\"event\":\"veryfi.call\"")) {
                continue;
            }
            Matcher m = TIME.matcher(line);
            if (!m.find()) {
                continue;
            }
            java.time.Instant end = java.time.Instant.parse(m.group(1));
            if (until != null && end.isAfter(until)) {
                continue;
            }
            long endMicros = end.getEpochSecond() * 1_000_000L + end.getNano() / 1000;
            long millis = Math.max(0, number(line, aws && awsWireOnly ? "wireMs" : "durationMs"));
            spans.add(new long[] {endMicros - millis * 1000, endMicros});
        }
        spans.sort(java.util.Comparator.comparingLong(i -> i[0]));
        return spans;
    }

    private static long number(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void field(StringBuilder json, String name, long value) {
        json.append('"').append(name).append("\":").append(value).append(',');
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
