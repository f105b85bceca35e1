package io.veryfikeys.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/** The injected faults, matched against each key-API call in injection order. */
final class Faults {

    /** An injected fault with its own remaining count and its own seeded random source. */
    private static final class Active {
        final Fault fault;
        Integer remaining; // null = unlimited
        final Random random;

        Active(Fault fault) {
            this.fault = fault;
            this.remaining = fault.count();
            this.random = new Random(fault.seed());
        }
    }

    private final List<Active> active = new ArrayList<>(); // guarded by itself

    void inject(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        Active a = new Active(fault.copy());
        synchronized (active) {
            active.add(a);
        }
    }

    /** Copies of the faults still active, with their remaining counts, in injection order. */
    List<Fault> snapshot() {
        synchronized (active) {
            List<Fault> out = new ArrayList<>(active.size());
            for (Active a : active) {
                Fault copy = a.fault.copy();
                if (a.remaining != null) {
                    copy.times(a.remaining);
                }
                out.add(copy);
            }
            return List.copyOf(out);
        }
    }

    void clear() {
        synchronized (active) {
            active.clear();
        }
    }

    void clear(String clientId) {
        synchronized (active) {
            active.removeIf(a -> Objects.equals(clientId, a.fault.clientId()));
        }
    }

    /**
     * The first fault (in injection order) that matches the call and fires: after-commit kinds when
     * {@code afterCommit}, the others otherwise. Uses up one count of the fault returned.
     */
    Fault take(Endpoint endpoint, String clientId, boolean afterCommit) {
        synchronized (active) {
            Iterator<Active> it = active.iterator();
            while (it.hasNext()) {
                Active a = it.next();
                Fault f = a.fault;
                if (f.kind().afterCommit() != afterCommit
                        || !f.endpoint().matches(endpoint)
                        || (f.clientId() != null && !f.clientId().equals(clientId))) {
                    continue;
                }
                if (f.probability() != null && a.random.nextDouble() >= f.probability()) {
                    continue;
                }
                if (a.remaining != null) {
                    a.remaining--;
                    if (a.remaining <= 0) {
                        it.remove();
                    }
                }
                return f;
            }
            return null;
        }
    }
}
