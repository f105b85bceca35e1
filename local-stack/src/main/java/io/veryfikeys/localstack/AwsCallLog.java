package io.veryfikeys.localstack;

import io.veryfikeys.localstack.LambdaHost.AwsCall;
import io.veryfikeys.localstack.LambdaHost.AwsCallListener;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who called what through the endpoint, and what it refused: a function's sandboxes sign with keys
 * issued to the function's logical id, so this is what each function really calls (the IAM review
 * reads it). Listeners hear of each call as it is answered.
 */
final class AwsCallLog {
    private final Map<String, Set<String>> actionsByPrincipal = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final List<AwsCallListener> listeners = new CopyOnWriteArrayList<>();

    void allowed(String principal, String action) {
        actionsByPrincipal
                .computeIfAbsent(principal, k -> ConcurrentHashMap.newKeySet())
                .add(action);
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

    void addListener(AwsCallListener listener) {
        listeners.add(listener);
    }

    void removeListener(AwsCallListener listener) {
        listeners.remove(listener);
    }

    /**
     * Tells the listeners of a call answered with {@code status}. {@code action} is IAM's {@code
     * prefix:Action} (null when the request names none); the principal is null when the key was not
     * one the stack issued.
     */
    void answered(
            String principal,
            String action,
            int status,
            java.util.function.Supplier<String> resource) {
        if (listeners.isEmpty()) return;
        String named = resource.get();
        int colon = action == null ? -1 : action.indexOf(':');
        AwsCall call =
                new AwsCall(
                        principal,
                        colon < 0 ? null : action.substring(0, colon),
                        colon < 0 ? null : action.substring(colon + 1),
                        status);
        for (AwsCallListener l : listeners) {
            try {
                l.called(call, named);
            } catch (RuntimeException | Error e) {
                // the answer is about to go out: a listener's failure must not turn it into a
                // dropped connection
                System.out.println(
                        "[lambda-host] an AWS call listener failed on " + call + ": " + e);
            }
        }
    }
}
