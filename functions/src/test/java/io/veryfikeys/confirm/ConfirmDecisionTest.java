package io.veryfikeys.confirm;

import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.Contract;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which operator confirmations may be recorded, row by row; a refusal says what to fix. */
class ConfirmDecisionTest {
    static final String LONG_NAME = "x".repeat(ConfirmDecision.MAX_CONFIRMED_BY);

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // why | consumer | keyId | confirmedBy | problem (a part of it), or - for none
                "a good request             | acme-portal | 42 | jane@example.com | -",
                "a name with accents        | acme-portal | 42 | José Ñúñez       | -",
                "the longest confirmedBy    | acme-portal | 1  | LONG_NAME | -",
                "no consumer                | -           | 42 | jane             | consumer must be",
                "a consumer with a slash    | acme/portal | 42 | jane             | consumer must be",
                "a consumer with a space    | 'acme portal' | 42 | jane           | consumer must be",
                "no keyId                   | acme-portal | -  | jane             | keyId must be the positive Veryfi key id the consumer now uses (veryfi-keys status shows the current one), got null",
                "keyId 0                    | acme-portal | 0  | jane             | got 0",
                "a negative keyId           | acme-portal | -5 | jane             | got -5",
                "no confirmedBy             | acme-portal | 42 | -                | confirmedBy is required",
                "a blank confirmedBy        | acme-portal | 42 | '   '            | confirmedBy is required",
                "a confirmedBy too long     | acme-portal | 42 | LONG_NAMEy | at most 128",
                "a quote in confirmedBy     | acme-portal | 42 | 'ja\"ne'         | without control characters, quotes or backslashes",
                "a backslash in confirmedBy | acme-portal | 42 | 'ja\\ne'         | without control characters",
                "a tab in confirmedBy       | acme-portal | 42 | 'ja\tne'         | without control characters"
            })
    void request(String why, String consumer, Long keyId, String confirmedBy, String problem) {
        String by = confirmedBy == null ? null : confirmedBy.replace("LONG_NAME", LONG_NAME);
        var found =
                ConfirmDecision.requestProblem(
                        new ConfirmRequest("veryfi/payroll", consumer, keyId, by));
        if (problem == null) {
            assertThat(found).as(why).isEmpty();
        } else {
            assertThat(found).as(why).hasValueSatisfying(p -> assertThat(p).contains(problem));
        }
    }

    @org.junit.jupiter.api.Test
    void noRequestAtAll() {
        assertThat(ConfirmDecision.requestProblem(null))
                .hasValueSatisfying(p -> assertThat(p).contains("\"confirmedBy\""));
    }

    static final List<Consumer> REGISTRY =
            List.of(
                    new Consumer("payroll-api", URI.create("https://payroll.example/health")),
                    new Consumer("nightly", Contract.CHECK_IN, null, 300, "veryfi/p#nightly"),
                    new Consumer(
                            "acme-portal", Contract.MANUAL, null, null, "veryfi/p#acme-portal"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "a manual consumer        | acme-portal | -",
                "an http consumer         | payroll-api | payroll-api of veryfi/p has contract http, not manual: it proves its key itself",
                "a check-in consumer      | nightly     | nightly of veryfi/p has contract check-in, not manual",
                "a consumer not listed    | acme        | no consumer acme in the registry of veryfi/p",
                "a name differing in case | ACME-portal | no consumer ACME-portal in the registry"
            })
    void registry(String why, String consumer, String problem) {
        var found = ConfirmDecision.registryProblem("veryfi/p", consumer, REGISTRY);
        if (problem == null) {
            assertThat(found).as(why).isEmpty();
        } else {
            assertThat(found).as(why).hasValueSatisfying(p -> assertThat(p).startsWith(problem));
        }
    }

    @org.junit.jupiter.api.Test
    void anEmptyRegistryListsNobody() {
        assertThat(ConfirmDecision.registryProblem("veryfi/p", "acme", List.of()))
                .contains("no consumer acme in the registry of veryfi/p");
    }
}
