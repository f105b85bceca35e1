package io.veryfikeys.veryfi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
final class RetryAfter {
    private static final long MAX_SECONDS = 365L * 24 * 3600;

    private RetryAfter() {}

    /**
     * @return the wait asked for, never negative (a date in the past means "now"); empty when the
     *     header is absent or unreadable
     */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            try {
                double seconds = Double.parseDouble(value);
                if (seconds > MAX_SECONDS) {
                    return Optional.of(Duration.ofSeconds(MAX_SECONDS));
                }
                return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
