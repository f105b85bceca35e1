package io.veryfikeys.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How each way an account can end counts in the fleet report, one row each. */
class FleetReportTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                   | raw outcome          | counted as | under
                //                    | needs action
                "rotated                                  | SUCCEEDED            | rotated    | -                        | false",
                "another rotation of it was running       | ALREADY_RUNNING      | skipped    | ALREADY_RUNNING          | false",
                "its plan refused: a person must fix it   | Blocked              | blocked    | BLOCKED                  | true",
                "consumers did not move in time           | ConsumersLagging     | failed     | CONSUMERS_LAGGING        | true",
                "a consumer broke on the new key          | Reverted             | failed     | REVERTED                 | true",
                "Veryfi refused the new key               | NewKeyRejected       | failed     | NEW_KEY_REJECTED         | true",
                "a step failed                            | RotationFailed       | failed     | ROTATION_FAILED          | true",
                "its execution timed out (status only)    | TIMED_OUT            | failed     | TIMED_OUT                | true",
                "it never started                         | StepFunctions.ExecutionLimitExceededException | failed | StepFunctions.ExecutionLimitExceededException | true",
                "no outcome at all                        | ''                   | failed     | UNKNOWN                  | true"
            })
    void eachOutcome(String why, String raw, String countedAs, String under, boolean needsAction) {
        FleetReport report =
                FleetReport.of(
                        List.of(), List.of(new FleetReport.Result("veryfi/a", raw, "run-0")));

        Map<String, Integer> bucket =
                switch (countedAs) {
                    case "skipped" -> report.skipped();
                    case "blocked" -> report.blocked();
                    case "failed" -> report.failed();
                    default -> Map.of();
                };
        assertThat(report.rotated()).as(why).isEqualTo(countedAs.equals("rotated") ? 1 : 0);
        if (!under.equals("-")) {
            assertThat(bucket).as(why).containsExactly(Map.entry(under, 1));
        }
        assertThat(report.needsAction()).as(why).isEqualTo(needsAction);
        if (needsAction) {
            assertThat(report.needAction())
                    .as(why)
                    .containsExactly(new FleetReport.Entry("veryfi/a", under, "run-0"));
        }
    }

    @Test
    void notStartedAccountsCountByReasonAndOnlyTheBlockedNeedAction() {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        List<FleetChoice> notStarted =
                List.of(
                        FleetChoice.of("veryfi/p", FleetChoice.Reason.PAUSED, "tagged paused"),
                        FleetChoice.of("veryfi/q", FleetChoice.Reason.PAUSED, "tagged paused"),
                        FleetChoice.of("veryfi/n", FleetChoice.Reason.NOT_DUE, "key 1 days old"),
                        FleetChoice.of(
                                "veryfi/s", FleetChoice.Reason.SAME_ACCOUNT_NOT_LINKED, "both"),
                        // A rotating choice never reaches the report's notStarted; counted nowhere.
                        FleetChoice.of("veryfi/r", FleetChoice.Reason.DUE, "due"));
        FleetReport report = FleetReport.of(notStarted, List.of());

        assertThat(report.skipped())
                .containsExactly(Map.entry("NOT_DUE", 1), Map.entry("PAUSED", 2));
        assertThat(report.blocked()).containsExactly(Map.entry("SAME_ACCOUNT_NOT_LINKED", 1));
        assertThat(report.needAction())
                .containsExactly(
                        new FleetReport.Entry("veryfi/s", "SAME_ACCOUNT_NOT_LINKED", null));
        assertThat(report.rotated()).isZero();
        assertThat(FleetCounts.of(notStarted))
                .isEqualTo(
                        new FleetCounts(
                                1,
                                Map.of("NOT_DUE", 1, "PAUSED", 2),
                                Map.of("SAME_ACCOUNT_NOT_LINKED", 1)));
        assertThat(now).isNotNull();
    }

    @Test
    void aBranchOfTheMapThatFailedItselfCountsByItsError() {
        FleetReport report =
                FleetReport.of(
                        List.of(),
                        List.of(new FleetReport.Result(null, null, null, "States.Runtime")));
        assertThat(report.failed()).containsExactly(Map.entry("States.Runtime", 1));
        assertThat(report.needActionCount()).isEqualTo(1);
    }

    @Test
    void aStartedAccountWithoutAResultNeedsActionAndNamesItsExecution() {
        java.util.List<FleetReport.Result> results = new ArrayList<>();
        results.add(new FleetReport.Result("veryfi/a", "SUCCEEDED", "run-aa"));
        results.add(null); // a branch of the Map that failed itself leaves its slot empty
        FleetReport report =
                FleetReport.of(
                        List.of(),
                        List.of(
                                List.of("veryfi/a", "2026-12-01T00:00:00Z", "run-aa"),
                                List.of("veryfi/b", "2026-12-01T00:00:01Z", "run-ab"),
                                List.of("veryfi/c", "2026-12-01T00:00:02Z")),
                        results);

        assertThat(report.rotated()).isEqualTo(1);
        assertThat(report.failed()).containsExactly(Map.entry("NO_RESULT", 2));
        assertThat(report.needAction())
                .containsExactly(
                        new FleetReport.Entry("veryfi/b", "NO_RESULT", "run-ab"),
                        new FleetReport.Entry("veryfi/c", "NO_RESULT", null));
    }

    @Test
    void anOutcomeTheMapCouldNotRecordIsUnknown() {
        assertThat(FleetReport.outcome(null)).isEqualTo("UNKNOWN");
        assertThat(FleetReport.outcome("  ")).isEqualTo("UNKNOWN");
    }

    @Test
    void theAlertNamesAtMostFiftyButCountsThemAll() {
        List<FleetReport.Result> results = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            results.add(new FleetReport.Result("veryfi/a" + i, "RotationFailed", "run-" + i));
        }
        FleetReport report = FleetReport.of(List.of(), results);

        assertThat(report.needAction()).hasSize(FleetReport.LISTED);
        assertThat(report.needActionCount()).isEqualTo(120);
        assertThat(report.failed()).containsExactly(Map.entry("ROTATION_FAILED", 120));
    }
}
