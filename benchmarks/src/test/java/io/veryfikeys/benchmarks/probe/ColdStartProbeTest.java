package io.veryfikeys.benchmarks.probe;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The time on the network of a first invocation, from its log lines. */
class ColdStartProbeTest {
    private static String aws(String endsAt, long wireMs) {
        return "{\"time\":\"2026-12-02T10:00:"
                + endsAt
                + "Z\",\"event\":\"aws.call\",\"durationMs\":"
                + (wireMs + 7)
                + ",\"wireMs\":"
                + wireMs
                + "}";
    }

    private static String veryfi(String endsAt, long durationMs) {
        return "{\"time\":\"2026-12-02T10:00:"
                + endsAt
                + "Z\",\"event\":\"veryfi.call\",\"durationMs\":"
                + durationMs
                + "}";
    }

    @Test
    void callsOneAfterAnotherAddUp() {
        String log = String.join("\n", aws("00.020", 20), aws("00.050", 20), veryfi("00.100", 30));

        assertThat(ColdStartProbe.networkMillis(log, null)).isEqualTo(70);
    }

    @Test
    void callsMadeTogetherCountOnce() {
        // 0-20 and 5-25 overlap (25 ms on the network, not 40); 40-50 stands apart
        String log = String.join("\n", aws("00.020", 20), aws("00.025", 20), aws("00.050", 10));

        assertThat(ColdStartProbe.networkMillis(log, null)).isEqualTo(35);
    }

    @Test
    void onlyCallsEndedByTheGivenMomentCount() {
        String log =
                String.join(
                        "\n",
                        aws("00.020", 20),
                        "{\"time\":\"2026-12-02T10:00:00.030Z\",\"event\":\"reset.stored_current\"}",
                        aws("00.060", 20));

        assertThat(ColdStartProbe.networkMillis(log, Instant.parse("2026-12-02T10:00:00.030Z")))
                .isEqualTo(20);
        assertThat(ColdStartProbe.networkMillis("{\"event\":\"step.succeeded\"}", null)).isZero();
    }

    @Test
    void overlappingCallsAreOneRoundTripAndCallsThatOnlyTouchAreTwo() {
        // durations are whole milliseconds: 0-27 and 1-27 overlap; 27-47 starts as the first ends
        String log = String.join("\n", aws("00.027", 20), aws("00.027", 19), aws("00.047", 13));

        assertThat(ColdStartProbe.callsInARow(log)).isEqualTo(2);
        assertThat(
                        ColdStartProbe.callsInARow(
                                String.join("\n", aws("00.020", 10), veryfi("00.050", 30))))
                .isEqualTo(2);
    }
}
