package io.veryfikeys.localstack;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who called what through the endpoint, and what it refused: a function's sandboxes sign with keys
 * issued to the function's logical id, so this is what each function really calls (the IAM review
 * reads it).
 */
final class AwsCallLog {
    private final Map<String, Set<String>> actionsByPrincipal = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    void allowed(String principal, String action) {
        actionsByPrincipal.computeIfAbsent(principal, k -> ConcurrentHashMap.newKeySet()).add(action);
    }

    /** Counts a refusal by its description (refusal, principal, and for a denial the action). */
    void refused(String description) {
        refusals.computeIfAbsent(description, k -> new AtomicInteger()).incrementAndGet();
    }

    Map<String, Set<String>> actionsByPrincipal() {
        Map<String, Set<String>> copy = new TreeMap<>();
        actionsByPrincipal.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
        return copy;
    }

    Map<String, Integer> refusals() {
        Map<String, Integer> m = new TreeMap<>();
        refusals.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
