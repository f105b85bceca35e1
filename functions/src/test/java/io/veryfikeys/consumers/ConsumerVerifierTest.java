package io.veryfikeys.consumers;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Unit edge: each consumer goes to the check its contract names, and answers keep their order. */
class ConsumerVerifierTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void asksEndpointsAndReadsRecordsOnceInTheConsumersOrder() {
        List<List<String>> endpointCalls = new ArrayList<>();
        List<List<String>> recordReads = new ArrayList<>();
        ConsumerChecks endpoints =
                consumers -> {
                    endpointCalls.add(consumers.stream().map(Consumer::name).toList());
                    return consumers.stream()
                            .map(c -> new ConsumerReport(c.name(), 2L, true, null))
                            .toList();
                };
        CheckIns records =
                ids -> {
                    recordReads.add(ids);
                    return Map.of(
                            "s#worker",
                            new CheckIn("s#worker", CheckIn.CHECK_IN, 2, true, NOW, null));
                };
        ConsumerVerifier verifier =
                new ConsumerVerifier(endpoints, () -> records, Clock.fixed(NOW, ZoneOffset.UTC));

        List<ConsumerReport> reports =
                verifier.check(
                        List.of(
                                new Consumer("api", URI.create("https://a/h")),
                                new Consumer("worker", Contract.CHECK_IN, null, 900, "s#worker"),
                                new Consumer("partner", Contract.MANUAL, null, null, "s#partner"),
                                new Consumer("api2", URI.create("https://b/h"))));

        assertThat(reports)
                .extracting(ConsumerReport::name, ConsumerReport::keyId, ConsumerReport::problem)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("api", 2L, null),
                        org.assertj.core.groups.Tuple.tuple("worker", 2L, null),
                        org.assertj.core.groups.Tuple.tuple(
                                "partner",
                                null,
                                "not confirmed yet (veryfi-keys confirm, or ConfirmFunction)"),
                        org.assertj.core.groups.Tuple.tuple("api2", 2L, null));
        assertThat(endpointCalls).containsExactly(List.of("api", "api2"));
        assertThat(recordReads).containsExactly(List.of("s#worker", "s#partner"));
    }

    @Test
    void onlyHttpConsumersNeverReadTheTable() {
        List<String> reads = new ArrayList<>();
        ConsumerVerifier verifier =
                new ConsumerVerifier(
                        consumers -> List.of(new ConsumerReport("api", 1L, true, null)),
                        () -> {
                            reads.add("table");
                            return ids -> Map.of();
                        },
                        Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(verifier.check(List.of(new Consumer("api", URI.create("https://a/h")))))
                .hasSize(1);
        assertThat(reads).as("a stack deployed without consumers that check in").isEmpty();
    }
}
