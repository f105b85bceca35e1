package io.veryfikeys.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the key API was asked: each call counted as it arrives (before any fault or latency, so a
 * test can act while a call is in flight) and recorded as it is answered. Admin calls are not
 * logged.
 */
final class RequestLog {
    private record Arrival(Endpoint endpoint, String clientId) {
    }

    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> answered = new ArrayList<>();   // guarded by itself

    void arrived(Endpoint endpoint, String clientId) {
        arrivals.add(new Arrival(endpoint, clientId));
    }

    long arrivals(Endpoint endpoint, String clientId) {
        return arrivals.stream().filter(a -> a.endpoint() == endpoint && Objects.equals(a.clientId(), clientId)).count();
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
