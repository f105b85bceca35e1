package io.veryfikeys.cli;

import io.veryfikeys.cli.KeyAgeCompliance.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each verdict of {@link KeyAgeCompliance}, one row each. */
class KeyAgeComplianceTest {
    private static final Instant NOW = Instant.parse("2027-01-31T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            textBlock =
                    """
            # case                                | age (s)  | tag   | verdict    | max | policy                                    | reason contains
            young key, stack default              | 86400    | -     | OK         | 90  | stack default                             | -
            exactly the maximum is still allowed  | 7776000  | -     | OK         | 90  | stack default                             | -
            one second over the maximum           | 7776001  | -     | OVER       | 90  | stack default                             | 90 days old, older than the 90 allowed
            the tag raises the maximum            | 7776001  | 120   | OK         | 120 | tag veryfi-key-rotation:max-key-age-days  | -
            the tag lowers it                     | 864001   | 10    | OVER       | 10  | tag veryfi-key-rotation:max-key-age-days  | veryfi-keys rotate veryfi/payroll
            a tag that is no number               | 86400    | soon  | BAD_POLICY | -   | tag veryfi-key-rotation:max-key-age-days  | got 'soon'
            a tag of zero days                    | 86400    | 0     | BAD_POLICY | -   | tag veryfi-key-rotation:max-key-age-days  | from 1 to 3650
            a tag past ten years                  | 86400    | 3651  | BAD_POLICY | -   | tag veryfi-key-rotation:max-key-age-days  | from 1 to 3650
            no creation date                      | -        | -     | UNKNOWN    | 90  | stack default                             | cannot be shown
            a key created after the as-of time    | -3600    | -     | OK         | 90  | stack default                             | -
            """)
    void judges(
            String name,
            Long ageSeconds,
            String tag,
            Status status,
            Integer max,
            String policy,
            String reason) {
        Instant created = ageSeconds == null ? null : NOW.minus(Duration.ofSeconds(ageSeconds));
        Map<String, String> tags =
                tag == null
                        ? Map.of("veryfi-key-rotation", "enabled")
                        : Map.of(
                                "veryfi-key-rotation",
                                "enabled",
                                "veryfi-key-rotation:max-key-age-days",
                                tag);

        KeyAgeCompliance.Verdict v =
                KeyAgeCompliance.judge(
                        "veryfi/payroll", 7L, created, tags, "veryfi-key-rotation", 90, NOW);

        assertThat(v.status()).isEqualTo(status);
        assertThat(v.compliant()).isEqualTo(status == Status.OK);
        assertThat(v.maxDays()).isEqualTo(max);
        assertThat(v.policy()).isEqualTo(policy);
        if (reason == null) assertThat(v.reason()).isNull();
        else assertThat(v.reason()).contains(reason);
        if (ageSeconds != null) assertThat(v.ageSeconds()).isEqualTo(Math.max(0, ageSeconds));
    }
}
