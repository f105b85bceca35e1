package io.veryfikeys.rotation;

import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotationSettingsTest {
    private final RotationSettings defaults = new RotationSettings(60, 3, 86400, 3600);

    @Test
    void executionInputOverridesWithinBounds() throws Exception {
        RotationSettings settings = defaults.withOverrides(Json.MAPPER.readTree("{\"pollIntervalSeconds\":5,\"gracePeriodSeconds\":0}"));
        assertThat(settings).isEqualTo(new RotationSettings(5, 3, 86400, 0));
    }

    @Test
    void rejectsOutOfRangeAndWrongTypes() {
        assertThatThrownBy(() -> defaults.withOverrides(Json.MAPPER.readTree("{\"pollIntervalSeconds\":0}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("pollIntervalSeconds must be between 1 and 3600");
        assertThatThrownBy(() -> defaults.withOverrides(Json.MAPPER.readTree("{\"gracePeriodSeconds\":-5}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("gracePeriodSeconds");
        assertThatThrownBy(() -> defaults.withOverrides(Json.MAPPER.readTree("{\"pollTimeoutSeconds\":\"10\"}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> defaults.withOverrides(Json.MAPPER.readTree("{\"requiredHealthyPolls\":99999999999}")))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void tokenIsStablePerExecutionAndAccount() {
        assertThat(RotationSteps.tokenFor("exec-1", "veryfi/a")).isEqualTo(RotationSteps.tokenFor("exec-1", "veryfi/a"))
                .isNotEqualTo(RotationSteps.tokenFor("exec-2", "veryfi/a"))
                .isNotEqualTo(RotationSteps.tokenFor("exec-1", "veryfi/b"));
    }
}
