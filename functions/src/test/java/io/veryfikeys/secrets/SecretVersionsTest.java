package io.veryfikeys.secrets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretVersionsTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_764_580_000L);

    /**
     * A reset's mark on AWSCURRENT -> is a reset in progress? The time in the label is its lease.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "NONE",
            value = {
                "NONE,                                    NONE",
                "VERYFI_RESETTING_1764580000000_abcdef12, 1764580000000", // just started
                "VERYFI_RESETTING_1764579701000_abcdef12, 1764579701000", // 299 s ago: within the 5
                // min lease
                "VERYFI_RESETTING_1764579699000_abcdef12, NONE", // 301 s ago: a crashed reset,
                // ignored
                "VERYFI_RESETTING_notanumber,             NONE",
                "VERYFI_RESETTING_1764590000000_abcdef12, NONE", // far in the future: not believed
            })
    void aFreshResetMarkMeansAResetIsInProgress(String mark, Long since) {
        List<String> labels = mark == null ? List.of("AWSCURRENT") : List.of("AWSCURRENT", mark);
        SecretVersions versions = SecretVersions.of("veryfi/x", Map.of("v1", labels));
        assertThat(versions.resetInProgressSince(NOW))
                .isEqualTo(
                        since == null
                                ? java.util.Optional.empty()
                                : java.util.Optional.of(Instant.ofEpochMilli(since)));
    }
}
