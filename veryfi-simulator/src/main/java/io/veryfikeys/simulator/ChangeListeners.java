package io.veryfikeys.simulator;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of one simulator or consumer. */
final class ChangeListeners {
    // Copy-on-write: events are fired on many threads and far more often than listeners change.
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

    void add(ChangeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ChangeListener listener) {
        listeners.remove(listener);
    }

    void fire(ChangeEvent event) {
        for (ChangeListener listener : listeners) {
            try {
                listener.changed(event);
            } catch (RuntimeException e) {
                // The change has happened: a failing test listener must not turn it into a 500.
                System.err.println(
                        "veryfi-simulator: a change listener failed on " + event + ": " + e);
            }
        }
    }
}
