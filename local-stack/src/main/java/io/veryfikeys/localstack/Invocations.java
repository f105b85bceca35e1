package io.veryfikeys.localstack;

import io.veryfikeys.localstack.LambdaHost.InvocationListener;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What tests ask about the invocations of each function (how many, with which qualifiers, how many
 * at once) and the listeners that run before each.
 */
final class Invocations {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> qualifiers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostInFlight = new ConcurrentHashMap<>();
    private final List<InvocationListener> listeners = new CopyOnWriteArrayList<>();

    /** An Invoke of the function arrived, faulted or not. */
    void received(String function, String qualifier) {
        counts.computeIfAbsent(function, k -> new AtomicInteger()).incrementAndGet();
        qualifiers.computeIfAbsent(function, k -> new CopyOnWriteArrayList<>()).add(qualifier);
    }

    int count(String function) {
        AtomicInteger c = counts.get(function);
        return c == null ? 0 : c.get();
    }

    Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    void resetCounts() {
        counts.clear();
    }

    List<String> qualifiers(String function) {
        return List.copyOf(qualifiers.getOrDefault(function, List.of()));
    }

    /** Runs one invocation of the function, counted as in flight while it runs. */
    <T> T inFlight(String function, Supplier<T> invocation) {
        int now = inFlight.computeIfAbsent(function, k -> new AtomicInteger()).incrementAndGet();
        mostInFlight
                .computeIfAbsent(function, k -> new AtomicInteger())
                .accumulateAndGet(now, Math::max);
        try {
            return invocation.get();
        } finally {
            inFlight.get(function).decrementAndGet();
        }
    }

    int mostConcurrent(String function) {
        AtomicInteger most = mostInFlight.get(function);
        return most == null ? 0 : most.get();
    }

    void resetMostConcurrent(String function) {
        mostInFlight.remove(function);
    }

    void addListener(InvocationListener listener) {
        listeners.add(listener);
    }

    void removeListener(InvocationListener listener) {
        listeners.remove(listener);
    }

    /** Tells every listener; one that throws fails the invocation with its exception. */
    void beforeInvoke(String function, byte[] payload) throws Exception {
        for (InvocationListener listener : listeners) listener.beforeInvoke(function, payload);
    }
}
