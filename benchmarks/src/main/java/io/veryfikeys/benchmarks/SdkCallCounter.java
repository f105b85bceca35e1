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

    public static void reset() {
        CALLS.clear();
    }

    public static Map<String, Integer> snapshot() {
        Map<String, Integer> m = new TreeMap<>();
        CALLS.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
