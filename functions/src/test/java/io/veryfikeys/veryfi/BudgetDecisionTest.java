package io.veryfikeys.veryfi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a call to Veryfi does about the request budget, row by row. */
class BudgetDecisionTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why | millis since the epoch | wait before asking
                "the start of a second        | 5000 | 0",
                "mid-second                   | 5300 | 0",
                "just before the margin       | 5499 | 0",
                "at the margin                | 5500 | 500",
                "the last millisecond         | 5999 | 1"
            })
    void waitBeforeAsking(String why, long now, long wait) {
        assertThat(BudgetDecision.waitBeforeAsking(now)).as(why).isEqualTo(wait);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // why | answer | now ms | remaining ms | jitter | kind | wait | reason (a part)
                // (the slot asked for is second 5)
                "a slot taken                       | TAKEN       | 5300 | 60000 | 7  | SEND           | 0   | -",
                "a slot taken with no time left     | TAKEN       | 5300 | 0     | 7  | SEND           | 0   | -",
                "a slot taken just in time          | TAKEN       | 5499 | 60000 | 7  | SEND           | 0   | -",
                "a slot taken at the margin         | TAKEN       | 5500 | 60000 | 7  | WAIT           | 500 | too late",
                "a slot granted in the next second  | TAKEN       | 6100 | 60000 | 7  | WAIT           | 0   | too late",
                "the store did not answer           | UNAVAILABLE | 5300 | 60000 | 7  | SEND_UNCOUNTED | 0   | did not answer",
                "a full second: wait for the next   | FULL        | 5300 | 60000 | 7  | WAIT           | 707 | -",
                "a full second, its last ms         | FULL        | 5999 | 60000 | 0  | WAIT           | 1   | -",
                "a full second, time for exactly it | FULL        | 5300 | 20707 | 7  | WAIT           | 707 | -",
                "a full second, a ms short of time  | FULL        | 5300 | 20706 | 7  | SEND_UNCOUNTED | 0   | no time left"
            })
    void afterAnswer(
            String why,
            BudgetDecision.Answer answer,
            long now,
            long remaining,
            long jitter,
            BudgetDecision.Kind kind,
            long wait,
            String reason) {
        BudgetDecision.Step step = BudgetDecision.afterAnswer(answer, 5, now, remaining, jitter);
        assertThat(step.kind()).as(why).isEqualTo(kind);
        assertThat(step.waitMillis()).as(why).isEqualTo(wait);
        if (reason == null) {
            assertThat(step.reason()).as(why).isNull();
        } else {
            assertThat(step.reason()).as(why).contains(reason);
        }
    }
}
