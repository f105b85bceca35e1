package io.veryfikeys.simulator;

/**
 * Told about every {@link ChangeEvent} of a {@link VeryfiSimulator} or {@link SimulatedConsumer} it
 * was added to.
 *
 * <p>Called synchronously, on the thread that made the change, right after it. A simulator calls
 * its listeners on its HTTP threads while still holding the changed account's lock, so that one
 * account's events arrive in the order of its changes; hence a listener must return quickly and
 * must never wait for another thread that uses the simulator (that thread may need the very lock
 * the listener's caller holds). To do slow or blocking work, such as reading the simulator, hand
 * the event to a thread of your own. A listener that throws is reported on stderr and otherwise
 * ignored: it cannot change what Veryfi answers.
 */
@FunctionalInterface
public interface ChangeListener {
    void changed(ChangeEvent event);
}
