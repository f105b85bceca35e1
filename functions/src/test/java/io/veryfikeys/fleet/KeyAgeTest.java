package io.veryfikeys.fleet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each verdict of {@link KeyAge}, one row each. */
class KeyAgeTest {
    private static final Instant NOW = Instant.parse("2027-01-31T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            textBlock =
                    """
            # case                                | age (s)  | tag   | compliant | max | problem contains
            young key, stack default              | 86400    | -     | true      | 90  | -
            exactly the maximum                   | 7776000  | -     | true      | 90  | -
            one second over                       | 7776001  | -     | false     | 90  | key 90 days old, maximum 90
            the tag raises the maximum            | 7776001  | 120   | true      | 120 | -
            the tag lowers it                     | 864001   | 10    | false     | 10  | maximum 10
            a tag that is no number               | 86400    | soon  | false     | -   | got 'soon'
            a tag of zero days                    | 86400    | 0     | false     | -   | from 1 to 3650
            a tag past ten years                  | 86400    | 3651  | false     | -   | from 1 to 3650
            no creation date                      | -        | -     | false     | 90  | no creation date
            created after now                     | -3600    | -     | true      | 90  | -
            """)
    void judges(
            String name,
            Long ageSeconds,
            String tag,
            boolean compliant,
            Integer max,
            String problem) {
        Instant created = ageSeconds == null ? null : NOW.minus(Duration.ofSeconds(ageSeconds));
        Map<String, String> tags =
                tag == null ? Map.of() : Map.of("veryfi-key-rotation:max-key-age-days", tag);

        KeyAge age = KeyAge.judge("veryfi/payroll", created, tags, "veryfi-key-rotation", 90, NOW);

        assertThat(age.compliant()).isEqualTo(compliant);
        assertThat(age.maxDays()).isEqualTo(max);
        if (problem == null) assertThat(age.problem()).isNull();
        else assertThat(age.problem()).contains(problem);
        if (ageSeconds != null) assertThat(age.ageSeconds()).isEqualTo(Math.max(0, ageSeconds));
        else assertThat(age.ageSeconds()).isNull();
    }
}
