package io.veryfikeys.veryfi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void deltaSeconds() {
        assertThat(RetryAfter.parse("1", NOW)).contains(Duration.ofSeconds(1));
        assertThat(RetryAfter.parse(" 120 ", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("1.5", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("99999999999999", NOW)).contains(Duration.ofDays(365));
    }

    @Test
    void httpDate() {
        assertThat(RetryAfter.parse("Sat, 01 Mar 2025 12:00:07 GMT", NOW))
                .contains(Duration.ofSeconds(7));
        String formatted =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        NOW.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(formatted, NOW)).contains(Duration.ofSeconds(30));
        // in the past: retry now
        assertThat(RetryAfter.parse("Sat, 01 Mar 2025 11:59:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void absentOrUnreadable() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.2.3", NOW)).isEmpty();
        assertThat(RetryAfter.parse("Someday, 99 Foo 2025", NOW)).isEmpty();
    }
}
