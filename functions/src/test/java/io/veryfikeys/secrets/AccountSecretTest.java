package io.veryfikeys.secrets;

import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountSecretTest {
    private static final String KEY = "k3y-v4lue-never-printed";

    @Test
    void parsesTheDocumentedLayoutAndKeepsUnknownMembers() {
        AccountSecret secret =
                AccountSecret.parse(
                        "veryfi/payroll",
                        "{\"clientId\":\"vf_1\",\"username\":\"bot\",\"apiKey\":\""
                                + KEY
                                + "\",\"apiKeyId\":7,"
                                + "\"clientSecret\":\"cs\",\"baseUrl\":\"https://api.veryfi.com/api/v8/\",\"team\":\"payroll\"}");

        assertThat(secret.apiKeyId()).isEqualTo(7);
        assertThat(secret.apiKey().reveal()).isEqualTo(KEY);
        assertThat(secret.account().clientSecret()).contains(SecretValue.of("cs"));
        assertThat(secret.account().baseUrl().toString())
                .isEqualTo("https://api.veryfi.com/api/v8/");

        AccountSecret rotated = secret.withKey(8, SecretValue.of("new-value"));
        assertThat(rotated.toSecretString())
                .contains("\"apiKeyId\":8", "\"apiKey\":\"new-value\"", "\"team\":\"payroll\"");
        assertThat(secret.toSecretString()).contains(KEY);
    }

    @Test
    void neverPrintsTheKey() {
        AccountSecret secret =
                AccountSecret.parse(
                        "s",
                        "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\""
                                + KEY
                                + "\",\"apiKeyId\":1}");
        assertThat(secret.toString()).doesNotContain(KEY);
        assertThat(secret.apiKey().toString()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[]",
                "{\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1}",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"\",\"apiKeyId\":1}",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":-1}",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":\"x\"}",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1,\"baseUrl\":\"file:///etc\"}",
                "{\"clientId\":7,\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1}",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1,\"requestSigning\":\"sdk\"}"
            })
    void rejectsMalformedSecretsWithoutEchoingValues(String document) {
        assertThatThrownBy(() -> AccountSecret.parse("veryfi/x", document))
                .isInstanceOf(InvalidSecretException.class)
                .hasMessageStartingWith("secret veryfi/x")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\"k\""));
    }

    /**
     * requestSigning: absent means json (what was always sent); "pairs" and "json" are the two
     * Veryfi's clients use.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            nullValues = "NONE",
            value = {"NONE, JSON", "json, JSON", "pairs, PAIRS"})
    void theSigningSchemeIsChosenPerAccount(
            String configured, io.veryfikeys.veryfi.SigningScheme expected) {
        String member = configured == null ? "" : ",\"requestSigning\":\"" + configured + "\"";
        AccountSecret secret =
                AccountSecret.parse(
                        "veryfi/x",
                        "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1"
                                + member
                                + "}");
        assertThat(secret.account().signing()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"linkedSecrets\":\"veryfi/copy\"",
                "\"linkedSecrets\":[1]",
                "\"linkedSecrets\":[\"veryfi/../x\"]",
                "\"linkedSecrets\":[\"s\"]",
                "\"linkedSecrets\":[\"veryfi/a\",\"veryfi/a\"]",
                "\"linkedSecrets\":[\"a1\",\"a2\",\"a3\",\"a4\",\"a5\",\"a6\",\"a7\",\"a8\",\"a9\",\"a10\",\"a11\"]",
            })
    void refusesLinkedSecretsThatAreNotAShortListOfOtherSecretNames(String member) {
        assertThatThrownBy(
                        () ->
                                AccountSecret.parse(
                                        "s",
                                        "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\""
                                                + KEY
                                                + "\",\"apiKeyId\":1,"
                                                + member
                                                + "}"))
                .isInstanceOf(InvalidSecretException.class)
                .hasMessageContaining(
                        "linkedSecrets must be a list of at most 10 other secret names")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void storedByIsBelievedOnlyForTheVersionItNames() {
        AccountSecret secret =
                AccountSecret.parse(
                                "s",
                                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\""
                                        + KEY
                                        + "\",\"apiKeyId\":1,"
                                        + "\"linkedSecrets\":[\"veryfi/b\",\"veryfi/a\"]}")
                        .withStoredBy("reset", "req-1", "v-1", "2026-12-01T00:00:00Z");
        assertThat(secret.storedBy("v-1")).contains("reset req-1 at 2026-12-01T00:00:00Z");
        assertThat(secret.storedBy("v-2")).as("copied by hand into another version").isEmpty();
        assertThat(secret.linkedSecrets()).containsExactly("veryfi/a", "veryfi/b");
        assertThat(secret.withKey(2, SecretValue.of("x")).linkedSecrets())
                .containsExactly("veryfi/a", "veryfi/b");
    }
}
