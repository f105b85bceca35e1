package io.veryfikeys.simulator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes new keys for every account of one simulator, and remembers every value it made so that leak
 * tests can look for them. Ids are never reused, not even after {@link VeryfiSimulator#resetAll}: a
 * key id seen once means that key for the simulator's whole life.
 */
final class KeyIssuer {
    private final AtomicLong nextId = new AtomicLong(1);
    private final SecureRandom random = new SecureRandom();
    private final List<String> issued = new ArrayList<>(); // guarded by itself

    SimulatedKey issue() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String value = HexFormat.of().formatHex(bytes);
        SimulatedKey key = new SimulatedKey(nextId.getAndIncrement(), value);
        synchronized (issued) {
            issued.add(value);
        }
        return key;
    }

    List<String> issuedValues() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }
}
