package io.veryfikeys.consumers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What a check-in or confirmation record makes of a consumer, row by row. */
class CheckInDecisionTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // why | contract | record kind | keyId | healthy | seconds before now | keyId out |
                // healthy out | problem | verifiedBy
                "a fresh check-in                   | check-in | check-in | 7 | true  | 30    | 7 | true  | -                                          | check-in at 2026-12-01T11:59:30Z",
                "a fresh check-in of failing calls  | check-in | check-in | 7 | false | 30    | 7 | false | -                                          | check-in at 2026-12-01T11:59:30Z",
                "exactly maxAge old                 | check-in | check-in | 7 | true  | 900   | 7 | true  | -                                          | check-in at 2026-12-01T11:45:00Z",
                "a second past maxAge               | check-in | check-in | 7 | true  | 901   | - | false | check-in is stale: 901 s old, maxAgeSeconds 900 | -",
                "no check-in                        | check-in | -        | 0 | true  | 0     | - | false | no check-in yet                            | -",
                "a confirmation where a check-in is due | check-in | manual | 7 | true | 30   | - | false | its record is a manual, not a check-in (the registry says check-in) | -",
                "dated within the clock skew        | check-in | check-in | 7 | true  | -60   | 7 | true  | -                                          | check-in at 2026-12-01T12:01:00Z",
                "dated past the clock skew          | check-in | check-in | 7 | true  | -61   | - | false | its record is dated in the future (2026-12-01T12:01:01Z) | -",
                "a confirmation                     | manual   | manual   | 7 | false | 86400 | 7 | true  | -                                          | confirmed by arn:aws:iam::1:user/ops at 2026-11-30T12:00:00Z",
                "not confirmed                      | manual   | -        | 0 | true  | 0     | - | false | not confirmed yet (veryfi-keys confirm, or ConfirmFunction)    | -",
                "a check-in where a person must confirm | manual | check-in | 7 | true | 30   | - | false | its record is a check-in, not a manual (the registry says manual) | -",
                "a confirmation dated in the future | manual   | manual   | 7 | true  | -3600 | - | false | its record is dated in the future (2026-12-01T13:00:00Z) | -"
            })
    void report(
            String why,
            String contract,
            String kind,
            long keyId,
            boolean healthy,
            long secondsBefore,
            Long keyIdOut,
            boolean healthyOut,
            String problem,
            String verifiedBy) {
        Contract c = Contract.of(contract).orElseThrow();
        Consumer consumer =
                new Consumer(
                        "worker",
                        c,
                        null,
                        c == Contract.CHECK_IN ? 900 : null,
                        "veryfi/payroll#worker");
        CheckIn record =
                kind == null
                        ? null
                        : new CheckIn(
                                "veryfi/payroll#worker",
                                kind,
                                keyId,
                                healthy,
                                NOW.minusSeconds(secondsBefore),
                                "arn:aws:iam::1:user/ops");
        ConsumerReport report = CheckInDecision.report(consumer, record, NOW);
        assertThat(report.name()).isEqualTo("worker");
        assertThat(report.keyId()).as(why + ": keyId").isEqualTo(keyIdOut);
        assertThat(report.healthy()).as(why + ": healthy").isEqualTo(healthyOut);
        assertThat(report.problem()).as(why + ": problem").isEqualTo(problem);
        assertThat(report.verifiedBy()).as(why + ": verifiedBy").isEqualTo(verifiedBy);
    }
}
