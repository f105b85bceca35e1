package io.veryfikeys.support;

import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured logging: one JSON object per line on stdout, which Lambda ships to CloudWatch Logs as
 * one event. Context (account, step, execution id, key id) is set once per invocation and added to
 * every line. There is deliberately no way to log a {@link SecretValue}: it prints as a mask.
 */
public final class Log {
    private static final ThreadLocal<Map<String, Object>> CONTEXT =
            ThreadLocal.withInitial(LinkedHashMap::new);
    private static volatile PrintStream out = System.out;

    private final String logger;

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log get(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** Adds a member to every following line of this thread, until {@link #clearContext()}. */
    public static void context(String name, Object value) {
        if (value == null) {
            CONTEXT.get().remove(name);
        } else {
            CONTEXT.get().put(name, value);
        }
    }

    public static void clearContext() {
        CONTEXT.get().clear();
    }

    /** This thread's context, for a worker thread of the same invocation ({@link #adopt}). */
    public static Map<String, Object> contextSnapshot() {
        return new LinkedHashMap<>(CONTEXT.get());
    }

    /** Makes {@code snapshot} this thread's context (a worker of the invocation that took it). */
    public static void adopt(Map<String, Object> snapshot) {
        CONTEXT.get().clear();
        CONTEXT.get().putAll(snapshot);
    }

    /** Where lines go; tests point this at a buffer to scan what was logged. */
    public static void redirect(PrintStream stream) {
        out = stream == null ? System.out : stream;
    }

    public void info(String event, Object... fields) {
        write("INFO", event, null, fields);
    }

    public void warn(String event, Object... fields) {
        write("WARN", event, null, fields);
    }

    public void error(String event, Throwable error, Object... fields) {
        write("ERROR", event, error, fields);
    }

    private void write(String level, String event, Throwable error, Object[] fields) {
        StringWriter buffer = new StringWriter(256);
        try {
            JsonWriter json = JsonTree.writer(buffer);
            json.beginObject();
            json.name("time").value(Instant.now().toString());
            json.name("level").value(level);
            json.name("logger").value(logger);
            json.name("event").value(event);
            for (Map.Entry<String, Object> entry : CONTEXT.get().entrySet()) {
                writeField(json, entry.getKey(), entry.getValue());
            }
            for (int i = 0; i + 1 < fields.length; i += 2) {
                writeField(json, String.valueOf(fields[i]), fields[i + 1]);
            }
            if (error != null) {
                json.name("errorType").value(error.getClass().getName());
                json.name("errorMessage").value(String.valueOf(error.getMessage()));
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(buffer);
    }

    /** A line written as it is (an EMF metric line, {@link Metrics}), to where log lines go. */
    static void writeLine(String line) {
        out.println(line);
    }

    /** This thread's log context as members of {@code json}, except the names in {@code skip}. */
    static void writeContext(JsonWriter json, java.util.Set<String> skip) throws IOException {
        for (Map.Entry<String, Object> entry : CONTEXT.get().entrySet()) {
            if (!skip.contains(entry.getKey())) {
                writeField(json, entry.getKey(), entry.getValue());
            }
        }
    }

    private static void writeField(JsonWriter json, String name, Object value) throws IOException {
        json.name(name);
        if (value == null) {
            json.nullValue();
        } else if (value instanceof Number number) {
            json.jsonValue(number.toString());
        } else if (value instanceof Boolean bool) {
            json.value(bool);
        } else {
            // toString, never serialization: a SecretValue prints as a mask.
            json.value(value.toString());
        }
    }
}
