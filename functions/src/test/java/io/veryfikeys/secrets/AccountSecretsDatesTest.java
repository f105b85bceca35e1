package io.veryfikeys.secrets;

import io.veryfikeys.support.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets Manager's JSON gives dates as seconds since the epoch with a fraction ({@code
 * "CreatedDate": 1523477145.713}); a key's age (ListAccounts) reads them.
 */
class AccountSecretsDatesTest {
    @ParameterizedTest
    @CsvSource({
        "1523477145.713, 2018-04-11T20:05:45.713Z",
        "1767225600, 2026-01-01T00:00:00Z",
        "1767225600.0, 2026-01-01T00:00:00Z",
        "1767225600.000001, 2026-01-01T00:00:00.000001Z",
        "0, 1970-01-01T00:00:00Z",
    })
    void createdDatesAreEpochSecondsWithAFraction(String json, String expected) throws Exception {
        assertThat(AccountSecrets.epochSeconds(Json.MAPPER.readTree(json)))
                .isEqualTo(Instant.parse(expected));
    }
}
