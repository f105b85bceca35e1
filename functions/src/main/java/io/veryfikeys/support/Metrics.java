package io.veryfikeys.support;

import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch metrics as Embedded Metric Format (EMF) lines on stdout, beside the log lines: Lambda
 * ships stdout to CloudWatch Logs, which turns each line into metric values
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * No API call and no client, so a step's work and its cold start pay for one JSON line, written
 * with the Jackson the handlers load anyway. Powertools' metrics module would do the same through
 * an aspect and a dependency of its own; a few lines here do what we need.
 *
 * <p>Every metric is in the namespace {@value #NAMESPACE} with the dimension {@code Stack} (so two
 * stacks in one AWS account do not mix), and, where {@link Metric#perAccount()} says so and the
 * line names an account, a second dimension set {@code [Stack, Account]}. Each line also carries
 * the log context (account, execution, step): a line is a log event too, searchable as one.
 */
public final class Metrics {
    public static final String NAMESPACE = "VeryfiKeyRotation";

    /** The metrics this tool emits; README: Operate, Metrics lists them with their meaning. */
    public enum Metric {
        /** One per rotation that reached a Report state; dimension Outcome. */
        ROTATIONS("Rotations", "Count", List.of("Outcome"), true),
        /** From the rotation's start to its report. */
        ROTATION_DURATION("RotationDuration", "Seconds", List.of(), true),
        /** Consumers not yet on the new key, at each poll. */
        CONSUMERS_LAGGING("ConsumersLagging", "Count", List.of(), true),
        /** Polls of the consumers a rotation took, at its report. */
        POLL_ITERATIONS("PollIterations", "Count", List.of(), true),
        /** Calls to Veryfi made again after a 429, a 5xx or a lost answer; dimension Operation. */
        VERYFI_RETRIES("VeryfiRetries", "Count", List.of("Operation"), false),
        /** Veryfi's 429 answers. */
        VERYFI_RATE_LIMITED("VeryfiRateLimited", "Count", List.of(), false),
        /** Incident resets; dimension Result. */
        RESETS("Resets", "Count", List.of("Result"), true),
        /** Seconds since the account's current key was created. */
        KEY_AGE("KeyAge", "Seconds", List.of(), true),
        /** Accounts whose current key is older than their MaxKeyAgeDays, at a fleet run. */
        KEYS_OVER_MAX_AGE("KeysOverMaxAge", "Count", List.of(), false),
        /** Lifecycle events that could not be put on EventBridge (the step went on without). */
        LIFECYCLE_EVENTS_NOT_SENT("LifecycleEventsNotSent", "Count", List.of(), false);

        private final String metricName;
        private final String unit;
        private final List<String> dimensions;
        private final boolean perAccount;

        Metric(String metricName, String unit, List<String> dimensions, boolean perAccount) {
            this.metricName = metricName;
            this.unit = unit;
            this.dimensions = dimensions;
            this.perAccount = perAccount;
        }

        public String metricName() {
            return metricName;
        }

        public String unit() {
            return unit;
        }

        /** Dimensions besides Stack (and Account), whose values each line must give. */
        public List<String> dimensions() {
            return dimensions;
        }

        public boolean perAccount() {
            return perAccount;
        }
    }

    private static final String STACK = Env.get("STACK_NAME", "unnamed");

    private Metrics() {}

    /**
     * Writes one value of {@code metric}. {@code account} may be null (no per-account set); {@code
     * dimensionValues} gives a value for each of {@link Metric#dimensions()}, in order.
     */
    public static void put(Metric metric, double value, String account, String... dimensionValues) {
        String line = line(metric, value, account, System.currentTimeMillis(), dimensionValues);
        if (!MUTED.get()) {
            Log.writeLine(line);
        }
    }

    /**
     * While a SnapStart priming hook runs on this thread (its made-up rotation reaches the Report
     * code), lines are built but not printed: Lambda ships the snapshot's init output to CloudWatch
     * Logs like any other, and each published version would count a made-up rotation.
     */
    public static void mute(boolean muted) {
        MUTED.set(muted);
    }

    private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

    static String line(
            Metric metric, double value, String account, long epochMillis, String... values) {
        if (values.length != metric.dimensions().size()) {
            throw new IllegalArgumentException(
                    metric.metricName()
                            + " needs "
                            + metric.dimensions()
                            + ", got "
                            + values.length
                            + " value(s)");
        }
        Map<String, String> members = new LinkedHashMap<>();
        members.put("Stack", STACK);
        List<String> fleetSet = new ArrayList<>(List.of("Stack"));
        for (int i = 0; i < values.length; i++) {
            String dimension = metric.dimensions().get(i);
            members.put(dimension, values[i] == null ? "none" : values[i]);
            fleetSet.add(dimension);
        }
        List<List<String>> sets = new ArrayList<>(List.of(fleetSet));
        if (metric.perAccount() && account != null) {
            members.put("Account", account);
            List<String> accountSet = new ArrayList<>(fleetSet);
            accountSet.add(1, "Account");
            sets.add(accountSet);
        }
        StringWriter buffer = new StringWriter(384);
        try {
            JsonWriter json = JsonTree.writer(buffer);
            json.beginObject();
            json.name("_aws").beginObject();
            json.name("Timestamp").value(epochMillis);
            json.name("CloudWatchMetrics").beginArray();
            json.beginObject();
            json.name("Namespace").value(NAMESPACE);
            json.name("Dimensions").beginArray();
            for (List<String> set : sets) {
                json.beginArray();
                for (String d : set) json.value(d);
                json.endArray();
            }
            json.endArray();
            json.name("Metrics").beginArray();
            json.beginObject();
            json.name("Name").value(metric.metricName());
            json.name("Unit").value(metric.unit());
            json.endObject();
            json.endArray();
            json.endObject();
            json.endArray();
            json.endObject();
            json.name("event").value("metric");
            for (Map.Entry<String, String> m : members.entrySet()) {
                json.name(m.getKey()).value(m.getValue());
            }
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                json.name(metric.metricName()).value((long) value);
            } else {
                json.name(metric.metricName());
                JsonTree.number(json, value);
            }
            java.util.Set<String> taken = new java.util.HashSet<>(members.keySet());
            taken.add("event");
            taken.add(metric.metricName());
            Log.writeContext(json, taken);
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toString();
    }
}
