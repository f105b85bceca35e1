package io.veryfikeys.reset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ResetSettingsTest {
    /**
     * What the parameter holds -> how many keys the reset keeps, and whether the alert names a
     * problem.
     */
    @ParameterizedTest(name = "{0} -> keep {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NONE",
            value = {
                "{\"keysToKeep\":1}      | 1 | NONE",
                "{\"keysToKeep\":2}      | 2 | NONE",
                "NONE                    | 1 | does not exist; kept one key",
                "not json                | 1 | is not JSON; kept one key",
                "{}                      | 1 | has no keysToKeep of 1 or 2; kept one key",
                "{\"keysToKeep\":3}      | 1 | has no keysToKeep of 1 or 2; kept one key",
                "{\"keysToKeep\":\"2\"}  | 1 | has no keysToKeep of 1 or 2; kept one key",
                "[2]                     | 1 | has no keysToKeep of 1 or 2; kept one key",
            })
    void anUnreadableSettingKeepsOneKeyAndSaysWhy(String document, int count, String problem) {
        ResetSettings.KeysToKeep keep =
                ResetSettings.parse("/veryfi-key-rotation/s/reset-settings", document);
        assertThat(keep.count()).isEqualTo(count);
        if (problem == null) {
            assertThat(keep.problem()).isNull();
        } else {
            assertThat(keep.problem())
                    .contains("/veryfi-key-rotation/s/reset-settings")
                    .endsWith(problem);
        }
    }

    @org.junit.jupiter.api.Test
    void thePrefixIsReadWhenPresentAndOtherwiseAbsent() {
        org.assertj.core.api.Assertions.assertThat(
                        ResetSettings.prefixIn(
                                "{\"keysToKeep\":1,\"secretNamePrefix\":\"veryfi/\"}"))
                .contains("veryfi/");
        org.assertj.core.api.Assertions.assertThat(ResetSettings.prefixIn("{\"keysToKeep\":1}"))
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(
                        ResetSettings.prefixIn("{\"secretNamePrefix\":\"\"}"))
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(ResetSettings.prefixIn("not json")).isEmpty();
    }
}
