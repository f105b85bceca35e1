package io.veryfikeys.reset;

import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.support.SecretValue;
import io.veryfikeys.veryfi.ApiKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every branch of the reset's decisions, one row each (issue 14). */
class ResetDecisionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                              | failure           | status |
                // next                         | result       | advice        | summary says
                "403: the key may not reset, another would not either | FORBIDDEN         | 403 | FAIL                         | RESET_FAILED | -             | the stored keys still work",
                "401: this key is dead, try the next stored one     | UNAUTHENTICATED   | 401 | TRY_NEXT_KEY                 | -            | -             | -",
                "2xx unreadable: the reset happened, keys unknown   | UNREADABLE_ANSWER | 200 | FAIL                         | LOCKED_OUT   | RESET_ACCOUNT | every consumer is locked out",
                "2xx edge: 299 is still a 2xx                       | UNREADABLE_ANSWER | 299 | FAIL                         | LOCKED_OUT   | RESET_ACCOUNT | (HTTP 299)",
                "unreadable 3xx: not a 2xx, nothing is known done   | UNREADABLE_ANSWER | 300 | FAIL_UNLESS_RESET_BY_ANOTHER | RESET_FAILED | -             | Nothing changed",
                "unreadable 1xx: not a 2xx either                   | UNREADABLE_ANSWER | 199 | FAIL_UNLESS_RESET_BY_ANOTHER | RESET_FAILED | -             | status 199",
                "no answer at all: the reset MAY have happened      | OTHER             | 0   | FAIL_UNLESS_RESET_BY_ANOTHER | RESET_FAILED | -             | The reset MAY have happened",
                "5xx after retries: refused, nothing changed        | OTHER             | 503 | FAIL_UNLESS_RESET_BY_ANOTHER | RESET_FAILED | -             | Nothing changed; invoke the reset again",
                "a 2xx that is no unreadable answer: no lock-out    | OTHER             | 200 | FAIL_UNLESS_RESET_BY_ANOTHER | RESET_FAILED | -             | status 200"
            })
    void onFailure(
            String why,
            ResetDecision.Failure failure,
            int status,
            ResetDecision.Next next,
            String result,
            String advice,
            String summarySays) {
        ResetDecision.Verdict verdict =
                ResetDecision.onFailure(
                        failure,
                        status,
                        "veryfi/payroll",
                        "VeryfiSomethingException",
                        "the exception's message");

        assertThat(verdict.next()).as(why).isEqualTo(next);
        assertThat(verdict.result()).as(why + ": result").isEqualTo(dash(result));
        assertThat(verdict.advice())
                .as(why + ": advice (a reset by hand only where no stored key works)")
                .isEqualTo("RESET_ACCOUNT".equals(advice) ? Notifier.ADVICE_RESET_ACCOUNT : null);
        if (summarySays.equals("-")) {
            assertThat(verdict.summary()).as(why).isNull();
            assertThat(verdict.error()).as(why).isNull();
        } else {
            assertThat(verdict.summary()).as(why + ": summary").contains(summarySays);
            assertThat(verdict.error())
                    .as(why + ": the error names the account")
                    .contains("veryfi/payroll");
        }
    }

    @Test
    void everyKeyRejectedAdvisesAResetByHandUnlessAnotherResetDidTheJob() {
        ResetDecision.Verdict verdict = ResetDecision.everyKeyRejected("veryfi/payroll");
        assertThat(verdict.next()).isEqualTo(ResetDecision.Next.FAIL_UNLESS_RESET_BY_ANOTHER);
        assertThat(verdict.advice()).isEqualTo(Notifier.ADVICE_RESET_ACCOUNT);
        assertThat(verdict.summary()).contains("rejects every key stored in veryfi/payroll");
        assertThat(verdict.error()).isEqualTo("Veryfi rejects every stored key of veryfi/payroll");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                   | returned ids | kept | extras
                "one key: it is the new AWSCURRENT       | 7            | 7    | -",
                "two keys: the lowest id is kept          | 9,8          | 8    | 9",
                "three keys (never from Veryfi): in order | 5,3,4        | 3    | 4,5"
            })
    void split(String why, String returned, long kept, String extras) {
        List<ApiKey> keys =
                Arrays.stream(returned.split(","))
                        .map(id -> new ApiKey(Long.parseLong(id), SecretValue.of("value-" + id)))
                        .toList();

        ResetDecision.Split split = ResetDecision.split(keys);

        assertThat(split.keep().id()).as(why).isEqualTo(kept);
        assertThat(split.extras().stream().map(ApiKey::id).toList())
                .as(why + ": extras")
                .isEqualTo(
                        extras.equals("-")
                                ? List.of()
                                : Arrays.stream(extras.split(",")).map(Long::parseLong).toList());
    }

    @Test
    void anEmptyAnswerHasNoKeyToKeep() {
        assertThatThrownBy(() -> ResetDecision.split(List.of()))
                .hasMessageContaining("returned no key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                             | linked updated | not updated | unlinked |
                // pending | says                                           | does not say
                "nothing else to do                | -              | -           | -        | -       | stored as AWSCURRENT; consumers must refetch  | by hand",
                "linked copies updated             | veryfi/b       | -           | -        | -       | and of its linked secrets [veryfi/b]           | NOT updated",
                "a linked copy could not be written | -             | veryfi/c    | -        | -       | NOT updated, holding a dead key: linked secret(s) [veryfi/c] | Still to do",
                "an unlinked holder of the account | -              | -           | veryfi/d | -       | not linked, and so holding a dead key now: [veryfi/d] | NOT updated",
                "a surplus key Veryfi kept         | -              | -           | -        | 12      | refused to delete surplus key(s) [12]          | holding a dead key"
            })
    void summary(
            String why,
            String updated,
            String notUpdated,
            String unlinked,
            String pending,
            String says,
            String doesNotSay) {
        String summary =
                ResetDecision.summary(
                        "veryfi/a",
                        list(updated),
                        list(notUpdated),
                        list(unlinked),
                        list(pending).stream().map(Long::parseLong).toList());

        assertThat(summary)
                .as(why)
                .startsWith("Every key of veryfi/a was reset")
                .contains(says)
                .doesNotContain(doesNotSay);
    }

    private static List<String> list(String cell) {
        return cell.equals("-") ? List.of() : List.of(cell.split(","));
    }

    private static String dash(String cell) {
        return cell.equals("-") ? null : cell;
    }
}
