package io.veryfikeys.rotation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of Plan's refusals before the key decision, one row each (issue 14). AWSCURRENT
 * holds key 5.
 */
class PlanGatesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                           | answer          | status | live
                // | refusal (- : go on)
                "AWSCURRENT's key is live: go on                 | LISTED          | 200    | 4,5   | -",
                "the only live key: go on                        | LISTED          | 200    | 5     | -",
                "not in Veryfi's list: nobody can reason about it | LISTED          | 200    | 4,6   | Veryfi does not know the AWSCURRENT key 5 (live: [4, 6])",
                "an empty list is no exception                   | LISTED          | 200    | -     | Veryfi does not know the AWSCURRENT key 5 (live: [])",
                "403: the key works, do not reset                | FORBIDDEN       | 403    | -     | (HTTP 403, not allowed): the key is not dead, do not reset",
                "401: the key is dead, reset                     | UNAUTHENTICATED | 401    | -     | Veryfi rejects the AWSCURRENT key 5 (HTTP 401, not authenticated): the key is dead or revoked; reset the account"
            })
    void currentKey(
            String why,
            PlanGates.CurrentKeyAnswer answer,
            int status,
            String live,
            String refusal) {
        List<Long> ids =
                live.equals("-")
                        ? List.of()
                        : Arrays.stream(live.split(",")).map(Long::parseLong).toList();

        Optional<String> verdict = PlanGates.currentKey(answer, status, 5, ids);

        if (refusal.equals("-")) {
            assertThat(verdict).as(why).isEmpty();
        } else {
            assertThat(verdict)
                    .as(why)
                    .hasValueSatisfying(reason -> assertThat(reason).contains(refusal));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no other execution: go on              | -                      | -",
                "another execution owns the account     | arn:aws:states:x:run-0 | a rotation of veryfi/a is already running: arn:aws:states:x:run-0"
            })
    void alreadyRunning(String why, String owner, String refusal) {
        Optional<String> verdict =
                PlanGates.alreadyRunning(
                        "veryfi/a", owner.equals("-") ? Optional.empty() : Optional.of(owner));
        assertThat(verdict)
                .as(why)
                .isEqualTo(refusal.equals("-") ? Optional.empty() : Optional.of(refusal));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no reset in flight: go on   | -",
                "a reset in flight: refused  | 2026-12-01T03:00:00Z"
            })
    void resetInProgress(String why, String since) {
        Optional<String> verdict =
                PlanGates.resetInProgress(
                        "veryfi/a",
                        since.equals("-") ? Optional.empty() : Optional.of(Instant.parse(since)));
        if (since.equals("-")) {
            assertThat(verdict).as(why).isEmpty();
        } else {
            assertThat(verdict)
                    .as(why)
                    .hasValueSatisfying(
                            reason ->
                                    assertThat(reason)
                                            .startsWith(
                                                    "an incident reset of veryfi/a is in progress (started "
                                                            + since
                                                            + ")"));
        }
    }
}
