package io.veryfikeys.rotation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of Plan's key decision, one row each: AWSCURRENT holds key 1; the row says which
 * keys Veryfi lists, which keys the AWSPENDING, AWSPREVIOUS and surplus versions hold ("-": no such
 * version), who may still use the AWSPREVIOUS key, the verdict, and what the decision had to ask
 * (reading a version or the consumers costs calls, so it asks only what it needs).
 */
class KeyPlanTest {

    /** The facts as plain values, recording what was asked. */
    static final class Facts implements KeyPlan.Facts {
        final Long pending;
        final Long previous;
        final Long surplus;
        final List<String> onPrevious;
        final List<String> asked = new ArrayList<>();

        Facts(Long pending, Long previous, Long surplus, List<String> onPrevious) {
            this.pending = pending;
            this.previous = previous;
            this.surplus = surplus;
            this.onPrevious = onPrevious;
        }

        @Override
        public Long pendingKeyId() {
            asked.add("pending");
            return pending;
        }

        @Override
        public Long previousKeyId() {
            asked.add("previous");
            return previous;
        }

        @Override
        public List<String> mayUse(long keyId) {
            asked.add("consumers");
            return keyId == (previous == null ? -1 : previous) ? onPrevious : List.of();
        }

        @Override
        public Long surplusKeyId() {
            asked.add("surplus");
            return surplus;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                          | live  | pending | previous |
                // surplus | on previous | action          | resume | stale | unknown | asked
                "only the current key: rotate, ask nothing       | 1     | 3 | 2 | - | -     | ROTATE          | false | - | -   | -",
                "an interrupted run's new key: resume it         | 1;3   | 3 | 2 | - | -     | ROTATE          | true  | - | -   | pending",
                "old key unused: delete it first                 | 1;2   | - | 2 | - | -     | ROTATE          | false | 2 | -   | pending;previous;consumers",
                "old key still used: finish that rotation        | 1;2   | - | 2 | - | hr    | FINISH_PREVIOUS | false | - | -   | pending;previous;consumers",
                "a reset's surplus key: delete it first          | 1;5   | - | - | 5 | -     | ROTATE          | false | 5 | -   | pending;previous;surplus",
                "surplus, with an older previous version         | 1;5   | - | 2 | 5 | -     | ROTATE          | false | 5 | -   | pending;previous;surplus",
                "a key no version holds: blocked                 | 1;9   | - | 2 | 5 | -     | BLOCKED         | false | - | 9   | pending;previous;surplus",
                "two unknown keys: blocked without more reads    | 1;8;9 | 3 | 2 | - | -     | BLOCKED         | false | - | 8;9 | pending",
                "a pending version whose key is gone             | 1;9   | 3 | - | - | -     | BLOCKED         | false | - | 9   | pending;previous;surplus",
                "pending resumed, old key unused: both           | 1;2;3 | 3 | 2 | - | -     | ROTATE          | true  | 2 | -   | pending;previous;consumers",
                "pending resumed, old key used: finish first     | 1;2;3 | 3 | 2 | - | payroll;hr | FINISH_PREVIOUS | true | - | - | pending;previous;consumers"
            })
    void keyDecision(
            String why,
            String live,
            String pending,
            String previous,
            String surplus,
            String onPrevious,
            PlanAction action,
            boolean resume,
            String stale,
            String unknown,
            String asked) {
        Facts facts = new Facts(id(pending), id(previous), id(surplus), names(onPrevious));

        KeyPlan.Verdict verdict = KeyPlan.decide(1, ids(live), facts);

        assertThat(verdict.action()).as(why).isEqualTo(action);
        assertThat(verdict.resumePending()).as(why + ": resume").isEqualTo(resume);
        assertThat(verdict.staleKeyId()).as(why + ": stale").isEqualTo(id(stale));
        assertThat(verdict.unknown()).as(why + ": unknown").isEqualTo(ids(unknown));
        assertThat(facts.asked).as(why + ": asked").isEqualTo(names(asked));
        if (action == PlanAction.FINISH_PREVIOUS) {
            assertThat(verdict.previousKeyId()).isEqualTo(id(previous));
            assertThat(verdict.onPrevious()).isEqualTo(names(onPrevious));
        }
    }

    private static Long id(String text) {
        return text.equals("-") ? null : Long.parseLong(text);
    }

    private static List<Long> ids(String text) {
        return text.equals("-")
                ? List.of()
                : Arrays.stream(text.split(";")).map(Long::parseLong).toList();
    }

    private static List<String> names(String text) {
        return text.equals("-") ? List.of() : List.of(text.split(";"));
    }
}
