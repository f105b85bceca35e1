package io.veryfikeys.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** EventBridge schedule expressions: when the fleet runs next (UTC; day-of-week 1 = SUN). */
class ScheduleExpressionsTest {

    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "cron(0 3 1 * ? *)        | 2026-12-01T14:00:00Z | 2027-01-01T03:00:00Z",
                "cron(0 3 1 * ? *)        | 2026-12-01T02:59:00Z | 2026-12-01T03:00:00Z",
                "cron(0 3 1 * ? *)        | 2026-12-01T03:00:00Z | 2027-01-01T03:00:00Z",
                "cron(15 10 ? * MON-FRI *) | 2026-12-05T12:00:00Z | 2026-12-07T10:15:00Z",
                "cron(0 0 ? * 1 *)        | 2026-12-01T00:00:00Z | 2026-12-06T00:00:00Z",
                "cron(0/15 * * * ? *)     | 2026-12-01T14:07:00Z | 2026-12-01T14:15:00Z",
                "cron(0 9 1 JAN,JUL ? *)  | 2026-12-01T00:00:00Z | 2027-01-01T09:00:00Z",
                "cron(0 3 1 * ? 2030)     | 2026-12-01T00:00:00Z | 2030-01-01T03:00:00Z",
                "cron(0 3 31 2 ? *)       | 2026-12-01T00:00:00Z | ",
                "cron(0 3 L * ? *)        | 2026-12-01T00:00:00Z | ",
                "cron(0 3 ? * 6#3 *)      | 2026-12-01T00:00:00Z | ",
                "cron(0 3 ? * 6L *)       | 2026-12-01T00:00:00Z | ",
                "cron(0 3 15W * ? *)      | 2026-12-01T00:00:00Z | ",
                "cron(0 8 ? * WED *)      | 2026-12-01T00:00:00Z | 2026-12-02T08:00:00Z",
                "cron(0 3 1 *)            | 2026-12-01T00:00:00Z | ",
                "rate(7 days)             | 2026-12-01T00:00:00Z | 2026-12-08T00:00:00Z",
                "rate(1 hour)             | 2026-12-01T00:00:00Z | 2026-12-01T01:00:00Z",
                "every month              | 2026-12-01T00:00:00Z | "
            })
    void nextRun(String expression, String after, String expected) {
        assertThat(
                        ScheduleExpressions.next(expression.trim(), Instant.parse(after))
                                .map(Instant::toString)
                                .orElse(null))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"cron(0 3 1 * ? *) | 31", "rate(30 days)     | 30", "cron(0 3 ? * 1 *) | 7"})
    void periodBetweenRuns(String expression, long days) {
        assertThat(
                        ScheduleExpressions.period(
                                        expression.trim(), Instant.parse("2026-12-15T00:00:00Z"))
                                .orElseThrow()
                                .toDays())
                .isEqualTo(days);
    }
}
