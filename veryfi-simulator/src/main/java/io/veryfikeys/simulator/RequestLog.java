package io.veryfikeys.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the key API was asked: each call counted as it arrives (before any fault or latency, so a
 * test can act while a call is in flight) and recorded as it is answered. Admin calls are not
 * logged.
 */
final class RequestLog {
    private record Arrival(Endpoint endpoint, String clientId) {}

    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> answered = new ArrayList<>(); // guarded by itself

    /** Not a log: what is being handled right now, so {@link #clear()} leaves it alone. */
    private final ConcurrentHashMap<Arrival, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    void arrived(Endpoint endpoint, String clientId) {
        Arrival arrival = new Arrival(endpoint, clientId);
        // In flight first: whoever sees the arrival counted must see the call in flight too.
        inFlight.computeIfAbsent(arrival, a -> new AtomicInteger()).incrementAndGet();
        arrivals.add(arrival);
    }

    /**
     * The call that {@link #arrived} is answered, dropped or abandoned: the simulator is done with
     * it.
     */
    void finished(Endpoint endpoint, String clientId) {
        inFlight.get(new Arrival(endpoint, clientId)).decrementAndGet();
    }

    int inFlight(Endpoint endpoint, String clientId) {
        return inFlight.entrySet().stream()
                .filter(
                        e ->
                                endpoint.matches(e.getKey().endpoint())
                                        && Objects.equals(e.getKey().clientId(), clientId))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    long arrivals(Endpoint endpoint, String clientId) {
        return arrivals.stream()
                .filter(a -> a.endpoint() == endpoint && Objects.equals(a.clientId(), clientId))
                .count();
    }

    void record(RecordedRequest request) {
        synchronized (answered) {
            answered.add(request);
        }
    }

    List<RecordedRequest> answered() {
        synchronized (answered) {
            return List.copyOf(answered);
        }
    }

    void clear() {
        synchronized (answered) {
            answered.clear();
        }
        arrivals.clear();
    }
}
