package io.veryfikeys.rotation;

import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotationSettingsTest {
    private final RotationSettings defaults = new RotationSettings(120, 3, 86400, 3600);

    @Test
    void executionInputOverridesWithinBounds() throws Exception {
        RotationSettings settings =
                defaults.withOverrides(
                        Json.MAPPER.readTree(
                                "{\"pollIntervalSeconds\":5,\"gracePeriodSeconds\":0}"));
        assertThat(settings).isEqualTo(new RotationSettings(5, 3, 86400, 0));
    }

    @Test
    void rejectsOutOfRangeAndWrongTypes() {
        assertThatThrownBy(
                        () ->
                                defaults.withOverrides(
                                        Json.MAPPER.readTree("{\"pollIntervalSeconds\":0}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("pollIntervalSeconds must be between 1 and 3600");
        assertThatThrownBy(
                        () ->
                                defaults.withOverrides(
                                        Json.MAPPER.readTree("{\"gracePeriodSeconds\":-5}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("gracePeriodSeconds");
        assertThatThrownBy(
                        () ->
                                defaults.withOverrides(
                                        Json.MAPPER.readTree("{\"pollTimeoutSeconds\":\"10\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("whole number");
        assertThatThrownBy(
                        () ->
                                defaults.withOverrides(
                                        Json.MAPPER.readTree(
                                                "{\"requiredHealthyPolls\":99999999999}")))
                .isInstanceOf(InvalidInputException.class);
    }

    /**
     * The worst case of the poll loops against Step Functions' 25,000-event history quota, from the
     * template's defaults to the largest values its parameters allow.
     */
    @org.junit.jupiter.params.ParameterizedTest(
            name = "interval {0} s, timeout {1} s: {2} events, allowed {3}")
    @org.junit.jupiter.params.provider.CsvSource({
        "120,  86400,  13396, true", // the template's defaults
        "60,   86400,  26356, false", // the old defaults: a revert after a day of polling would
        // fail the execution
        "60,   65219,  19984, true", // the longest timeout at 60 s
        "60,   65220,  20002, false",
        "1,    1086,   19984, true", // a test's one-second polls
        "1,    1087,   20002, false",
        "1,    604800, 10886836, false", // the largest values the parameters allow
        "3600, 604800, 3460,  true",
    })
    void settingsWhosePollLoopsCouldOutgrowTheHistoryAreRefusedAtPlanTime(
            int interval, int timeout, long events, boolean allowed) {
        assertThat(HistoryBudget.worstCase(interval, timeout)).isEqualTo(events);
        RotationSettings settings = new RotationSettings(interval, 3, timeout, 0);
        if (allowed) {
            assertThat(settings.withinHistoryBudget()).isSameAs(settings);
            assertThat(timeout).isLessThanOrEqualTo(HistoryBudget.longestTimeout(interval));
        } else {
            assertThatThrownBy(settings::withinHistoryBudget)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("could reach " + events + " events")
                    .hasMessageContaining("at most " + HistoryBudget.longestTimeout(interval));
            assertThat(timeout).isGreaterThan(HistoryBudget.longestTimeout(interval));
        }
    }

    @Test
    void tokenIsStablePerExecutionAndAccount() {
        assertThat(RotationSteps.tokenFor("exec-1", "veryfi/a"))
                .isEqualTo(RotationSteps.tokenFor("exec-1", "veryfi/a"))
                .isNotEqualTo(RotationSteps.tokenFor("exec-2", "veryfi/a"))
                .isNotEqualTo(RotationSteps.tokenFor("exec-1", "veryfi/b"));
    }
}
