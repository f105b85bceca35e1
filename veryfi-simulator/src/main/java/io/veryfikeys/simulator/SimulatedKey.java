package io.veryfikeys.simulator;

import java.util.Objects;

/**
 * A key the simulator handed out directly (through {@link VeryfiSimulator#createAccount} or {@link
 * VeryfiSimulator#addKey}). {@link #toString()} masks the value so it cannot leak into test output
 * or logs.
 */
public record SimulatedKey(long id, String value) {

    public SimulatedKey {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "SimulatedKey[id=" + id + ", value=****]";
    }
}
