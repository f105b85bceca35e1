package io.veryfikeys.fleet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The window tag's grammar and its edges, one row each. 2026-12-07 is a Monday. */
class MaintenanceWindowTest {

    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Mon-Fri 01:00-05:00   | 2026-12-07T01:00:00Z | true",
                "Mon-Fri 01:00-05:00   | 2026-12-07T04:59:59Z | true",
                "Mon-Fri 01:00-05:00   | 2026-12-07T05:00:00Z | false",
                "Mon-Fri 01:00-05:00   | 2026-12-07T00:59:59Z | false",
                "Mon-Fri 01:00-05:00   | 2026-12-12T02:00:00Z | false",
                "Sat,Sun 00:00-06:00   | 2026-12-12T02:00:00Z | true",
                "sat,SUN 00:00-06:00   | 2026-12-13T05:00:00Z | true",
                "Fri-Mon 10:00-11:00   | 2026-12-13T10:30:00Z | true",
                "Fri-Mon 10:00-11:00   | 2026-12-09T10:30:00Z | false",
                "daily 22:00-02:00     | 2026-12-09T23:00:00Z | true",
                "daily 22:00-02:00     | 2026-12-10T01:59:00Z | true",
                "daily 22:00-02:00     | 2026-12-10T02:00:00Z | false",
                "daily 22:00-02:00     | 2026-12-10T21:59:00Z | false",
                "Sun 23:00-01:00       | 2026-12-07T00:30:00Z | true",
                "Sun 23:00-01:00       | 2026-12-07T23:30:00Z | false",
                "Mon 23:00-01:00       | 2026-12-07T00:30:00Z | false",
                "daily 23:30-23:59     | 2026-12-07T23:45:00Z | true",
                "daily 23:30-23:59     | 2026-12-07T23:59:00Z | false"
            })
    void contains(String window, String at, boolean inside) {
        assertThat(MaintenanceWindow.parse(window).contains(Instant.parse(at))).isEqualTo(inside);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "weekends                 | is not DAYS HH:MM-HH:MM",
                "Mon 1:00-05:00           | is not DAYS HH:MM-HH:MM",
                "Mon 24:00-05:00          | is not a time of day",
                "Mon 01:60-05:00          | is not a time of day",
                "Mon 01:00-01:00          | is an empty window",
                "Mo 01:00-05:00           | 'Mo' is not a day",
                "Mon-Tue-Wed 01:00-05:00  | is not a day"
            })
    void refuses(String window, String message) {
        assertThatThrownBy(() -> MaintenanceWindow.parse(window))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void saysItselfInUtc() {
        assertThat(MaintenanceWindow.parse("Sat,Sun 00:00-06:00"))
                .hasToString("[SATURDAY, SUNDAY] 00:00-06:00 UTC");
    }
}
