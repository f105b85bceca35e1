package io.veryfikeys.consumers;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every consumer's answer by its contract: health endpoints over HTTP, check-ins and confirmations
 * from the check-in table (one read for all of them). Reports come back in the consumers' order.
 */
public final class ConsumerVerifier implements ConsumerChecks {
    private final ConsumerChecks endpoints;
    private final Supplier<? extends CheckIns> records;
    private final Clock clock;

    public ConsumerVerifier(
            ConsumerChecks endpoints, Supplier<? extends CheckIns> records, Clock clock) {
        this.endpoints = endpoints;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public List<ConsumerReport> check(List<Consumer> consumers) {
        List<Consumer> http =
                consumers.stream().filter(c -> c.contract() == Contract.HTTP).toList();
        List<String> ids =
                consumers.stream()
                        .filter(c -> c.contract() != Contract.HTTP)
                        .map(Consumer::checkInId)
                        .toList();
        List<ConsumerReport> answered = http.isEmpty() ? List.of() : endpoints.check(http);
        Map<String, CheckIn> found = ids.isEmpty() ? Map.of() : records.get().read(ids);
        List<ConsumerReport> reports = new ArrayList<>();
        int next = 0;
        for (Consumer consumer : consumers) {
            reports.add(
                    consumer.contract() == Contract.HTTP
                            ? answered.get(next++)
                            : CheckInDecision.report(
                                    consumer, found.get(consumer.checkInId()), clock.instant()));
        }
        return List.copyOf(reports);
    }
}
