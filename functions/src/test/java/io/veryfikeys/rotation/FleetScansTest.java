package io.veryfikeys.rotation;

import io.veryfikeys.secrets.SameAccountSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** When a Plan may reuse the same-account scan its sandbox made earlier in the same fleet run. */
class FleetScansTest {
    static final String RUN = "20261201T020000-3fa94c1e";
    static final Instant AT = Instant.parse("2026-12-01T02:00:00Z");
    static final SameAccountSecrets.Scan SCAN = new SameAccountSecrets.Scan(List.of(), List.of());

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "same run, same prefix, a second later     | true  | RUN   | veryfi/ | 1    | true",
                "nothing kept yet                          | false | RUN   | veryfi/ | 1    | false",
                "not a fleet rotation (the CLI, a console) | true  | -     | veryfi/ | 1    | false",
                "another fleet run                         | true  | OTHER | veryfi/ | 1    | false",
                "another prefix                            | true  | RUN   | other/  | 1    | false",
                "at the moment it was made                 | true  | RUN   | veryfi/ | 0    | true",
                "a second short of the maximum age         | true  | RUN   | veryfi/ | 299  | true",
                "at the maximum age                        | true  | RUN   | veryfi/ | 300  | false",
                "the clock went back                       | true  | RUN   | veryfi/ | -1   | false"
            })
    void reusable(String why, boolean kept, String run, String prefix, long later, boolean reuse) {
        FleetScans.Kept k = kept ? new FleetScans.Kept("veryfi/", RUN, AT, SCAN) : null;
        Optional<String> runId =
                switch (run) {
                    case "RUN" -> Optional.of(RUN);
                    case "OTHER" -> Optional.of("20261201T030000-00000000");
                    default -> Optional.empty();
                };
        assertThat(FleetScans.reusable(k, prefix, runId, AT.plusSeconds(later)))
                .as(why)
                .isEqualTo(reuse);
    }

    @Test
    void aFleetRunScansOncePerSandboxAndAnyOtherRotationScansEveryTime() {
        FleetScans scans = new FleetScans();
        AtomicInteger made = new AtomicInteger();
        String fleetA =
                "arn:aws:states:us-east-1:1:execution:rot:"
                        + ExecutionNames.fleetRotation(RUN, "veryfi/a");
        String fleetB =
                "arn:aws:states:us-east-1:1:execution:rot:"
                        + ExecutionNames.fleetRotation(RUN, "veryfi/b");
        String byHand =
                "arn:aws:states:us-east-1:1:execution:rot:0b9f4f0e-6d1c-4c55-9d8a-6f2d1f5f3c11";

        assertThat(scans.scan("veryfi/", fleetA, AT, () -> fresh(made))).isSameAs(SCAN);
        assertThat(scans.scan("veryfi/", fleetB, AT.plusSeconds(10), () -> fresh(made)))
                .isSameAs(SCAN);
        assertThat(made).as("the second account of the run reuses the scan").hasValue(1);

        assertThat(scans.scan("veryfi/", byHand, AT.plusSeconds(20), () -> fresh(made)))
                .isSameAs(SCAN);
        scans.scan("veryfi/", byHand, AT.plusSeconds(21), () -> fresh(made));
        assertThat(made).as("a rotation started by hand always scans").hasValue(3);

        scans.scan("veryfi/", fleetB, AT.plusSeconds(30), () -> fresh(made));
        assertThat(made).as("the run's scan is still kept after a rotation by hand").hasValue(3);

        scans.scan("veryfi/", fleetB, AT.plus(FleetScans.MAX_AGE), () -> fresh(made));
        assertThat(made).as("a scan of the maximum age is made again").hasValue(4);
    }

    private static SameAccountSecrets.Scan fresh(AtomicInteger made) {
        made.incrementAndGet();
        return SCAN;
    }
}
