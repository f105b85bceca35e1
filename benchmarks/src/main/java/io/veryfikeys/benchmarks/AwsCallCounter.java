package io.veryfikeys.benchmarks;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the AWS API calls the handlers make when they run in-process in the benchmark JVM (the
 * cost rotation): a global SDK interceptor (registered through
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}), counting only calls made
 * on the Lambda host's threads, i.e. by handlers, not by the benchmark's own clients.
 */
public final class SdkCallCounter implements ExecutionInterceptor {
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (Thread.currentThread().getName().startsWith("lambda-host-")) {
            String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /**
     * Adds the AWS calls made without an SDK client (SSM GetParameter, see the functions'
     * SsmParameters), which log an {@code aws.call} event each, from {@code log} after {@code offset}.
     */
    public static void countLoggedCalls(java.nio.file.Path log, long offset) {
        try (var in = java.nio.file.Files.newInputStream(log)) {
            in.skipNBytes(offset);
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern
                        .compile("\"event\":\"aws\\.call\".*\"service\":\"([a-z]+)\".*\"operation\":\"([A-Za-z]+)\"").matcher(line);
                if (m.find()) {
                    String service = m.group(1);
                    String key = Character.toUpperCase(service.charAt(0)) + service.substring(1) + "." + m.group(2);
                    CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void reset() {
        CALLS.clear();
    }

    public static Map<String, Integer> snapshot() {
        Map<String, Integer> m = new TreeMap<>();
        CALLS.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
