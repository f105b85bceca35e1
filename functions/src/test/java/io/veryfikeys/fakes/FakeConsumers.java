package io.veryfikeys.fakes;

import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.ConsumerChecks;
import io.veryfikeys.consumers.ConsumerReport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumers' answers in memory, for unit tests of the steps: each consumer named here uses a
 * key id and is healthy, or does not answer. A consumer nobody set up does not answer either, as an
 * endpoint that is down would not. The HTTP side is proved against the simulator's consumers.
 */
public final class FakeConsumers implements ConsumerChecks {
    private final Map<String, Long> keyInUse = new HashMap<>();

    public FakeConsumers uses(String name, long keyId) {
        keyInUse.put(name, keyId);
        return this;
    }

    @Override
    public List<ConsumerReport> check(List<Consumer> consumers) {
        return consumers.stream()
                .map(
                        c ->
                                keyInUse.containsKey(c.name())
                                        ? new ConsumerReport(
                                                c.name(), keyInUse.get(c.name()), true, null)
                                        : new ConsumerReport(
                                                c.name(), null, false, "connection refused"))
                .toList();
    }
}
