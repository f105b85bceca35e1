package io.veryfikeys.rotation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RotationReportTest {
    @org.junit.jupiter.api.Test
    void theReportOfAFailedStepNamesTheStepTheErrorAndTheKeysAndLeavesOutWhatDoesNotApply()
            throws Exception {
        var notifier = new io.veryfikeys.fakes.RecordingNotifier();
        var report =
                new RotationReport(
                        notifier,
                        java.time.Clock.fixed(
                                java.time.Instant.parse("2026-12-01T10:00:00Z"),
                                java.time.ZoneOffset.UTC));
        var json = io.veryfikeys.support.Json.MAPPER;
        RotationState state =
                json.readValue(
                        "{\"secretId\":\"veryfi/a\",\"plan\":"
                                + HandlerPriming.PLAN
                                + ",\"created\":"
                                + HandlerPriming.CREATED
                                + ",\"error\":{\"Error\":"
                                + "\"io.veryfikeys.veryfi.VeryfiUnavailableException\",\"Cause\":\"{}\"}}",
                        RotationState.class);

        report.publish(new RotationReport.Request(Outcome.FAILED, "exec-1", state));

        assertThat(notifier.alerts)
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.result()).isEqualTo("FAILED");
                            assertThat(alert.message())
                                    .containsEntry("account", HandlerPriming.SECRET)
                                    .containsEntry("step", "VerifyNewKey")
                                    .containsEntry(
                                            "error",
                                            "io.veryfikeys.veryfi.VeryfiUnavailableException")
                                    .containsEntry("executionId", "exec-1")
                                    .containsEntry("plan", "ROTATE")
                                    .containsEntry("oldKeyId", 1L)
                                    .containsEntry("newKeyId", 2L)
                                    .doesNotContainKeys("advice", "consumersLagging", "polls");
                            assertThat((String) alert.message().get("summary"))
                                    .contains("resumes safely");
                        });
        assertThat(notifier.lifecycle)
                .singleElement()
                .satisfies(
                        event -> {
                            assertThat(event.type().detailType()).isEqualTo("Rotation Failed");
                            assertThat(event.detail())
                                    .containsEntry("account", HandlerPriming.SECRET)
                                    .containsEntry("executionId", "exec-1")
                                    .containsEntry("outcome", "FAILED")
                                    .containsEntry("step", "VerifyNewKey")
                                    .containsEntry(
                                            "error",
                                            "io.veryfikeys.veryfi.VeryfiUnavailableException")
                                    .containsEntry("oldKeyId", 1L)
                                    .containsEntry("newKeyId", 2L)
                                    .containsEntry("time", "2026-12-01T10:00:00Z");
                        });
    }

    @org.junit.jupiter.api.Test
    void everyErrorTheVerdictTableNamesExists() {
        // a renamed exception class would otherwise silently fall to the default advice
        assertThat(RotationReport.knownErrors())
                .hasSize(16)
                .allSatisfy(
                        name -> {
                            if (!name.startsWith("States.") && !name.startsWith("Sandbox.")) {
                                assertThat(Class.forName(name)).isNotNull();
                            }
                        });
    }

    /**
     * The error a step failed with -> what the alert reports and whether it promises that a re-run
     * resumes. Configuration problems are BLOCKED and never promise it: run as they are, they fail
     * the same way.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NONE",
            value = {
                "io.veryfikeys.secrets.InvalidSecretException                | BLOCKED | false | Fix the secret",
                "io.veryfikeys.secrets.SecretNotFoundException               | BLOCKED | false | Fix the secret",
                "io.veryfikeys.consumers.InvalidConsumerRegistryException    | BLOCKED | false | consumer registry",
                "io.veryfikeys.support.InvalidInputException                 | BLOCKED | false | names the field",
                "io.veryfikeys.rotation.UnknownKeyException                  | BLOCKED | false | nothing was deleted",
                "io.veryfikeys.veryfi.VeryfiForbiddenException               | BLOCKED | false | Do not reset",
                "io.veryfikeys.veryfi.VeryfiAuthException                    | FAILED  | false | reset the account",
                "io.veryfikeys.veryfi.VeryfiAnswerLostException              | FAILED  | false | in no secret version",
                "io.veryfikeys.rotation.RotationConflictException            | FAILED  | false | deleted nothing",
                "io.veryfikeys.veryfi.MalformedResponseException             | FAILED  | false | could not be read",
                "io.veryfikeys.veryfi.VeryfiUnavailableException             | FAILED  | true  | resumes safely",
                "io.veryfikeys.veryfi.VeryfiRateLimitedException             | FAILED  | true  | resumes safely",
                "io.veryfikeys.support.AwsUnavailableException               | FAILED  | true  | resumes safely",
                "Sandbox.Timedout                                            | FAILED  | true  | resumes safely",
                "States.Timeout                                              | FAILED  | true  | resumes safely",
                "Lambda.ServiceException                                     | FAILED  | true  | resumes safely",
                "java.lang.IllegalStateException                             | FAILED  | false | a re-run is safe",
                "NONE                                                        | FAILED  | true  | resumes safely",
            })
    void everyFailureGetsTheResultAndAdviceItDeserves(
            String error, Outcome result, boolean promisesResume, String advice) {
        RotationReport.Verdict verdict = RotationReport.verdict(error);
        assertThat(verdict.result()).isEqualTo(result);
        assertThat(verdict.advice()).contains(advice);
        assertThat(verdict.advice().contains("resumes safely")).isEqualTo(promisesResume);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "SUCCEEDED,         Rotation Succeeded",
        "BLOCKED,           Rotation Blocked",
        "CONSUMERS_LAGGING, Rotation Blocked",
        "REVERTED,          Rotation Reverted",
        "NEW_KEY_REJECTED,  Rotation Reverted",
        "REVERT_INCOMPLETE, Rotation Failed",
        "FAILED,            Rotation Failed",
        "ALREADY_RUNNING,   ''"
    })
    void everyOutcomeEndsInItsLifecycleEvent(Outcome outcome, String detailType) {
        var type = RotationReport.endingEvent(outcome);
        assertThat(type == null ? "" : type.detailType()).isEqualTo(detailType);
    }
}
