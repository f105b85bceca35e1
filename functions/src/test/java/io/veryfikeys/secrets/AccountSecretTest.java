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
        AccountSecret secret = AccountSecret.parse("veryfi/payroll",
                "{\"clientId\":\"vf_1\",\"username\":\"bot\",\"apiKey\":\"" + KEY + "\",\"apiKeyId\":7,"
                        + "\"clientSecret\":\"cs\",\"baseUrl\":\"http://127.0.0.1:9\",\"team\":\"payroll\"}");

        assertThat(secret.apiKeyId()).isEqualTo(7);
        assertThat(secret.apiKey().reveal()).isEqualTo(KEY);
        assertThat(secret.account().clientSecret()).contains(SecretValue.of("cs"));
        assertThat(secret.account().baseUrl().toString()).isEqualTo("http://127.0.0.1:9");

        AccountSecret rotated = secret.withKey(8, SecretValue.of("new-value"));
        assertThat(rotated.toSecretString()).contains("\"apiKeyId\":8", "\"apiKey\":\"new-value\"", "\"team\":\"payroll\"");
        assertThat(secret.toSecretString()).contains(KEY);
    }

    @Test
    void neverPrintsTheKey() {
        AccountSecret secret = AccountSecret.parse("s",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"" + KEY + "\",\"apiKeyId\":1}");
        assertThat(secret.toString()).doesNotContain(KEY);
        assertThat(secret.apiKey().toString()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[]",
            "{\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1}",
            "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"\",\"apiKeyId\":1}",
            "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":-1}",
            "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":\"x\"}",
            "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1,\"baseUrl\":\"file:///etc\"}",
            "{\"clientId\":7,\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1}",
            "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1,\"requestSigning\":\"sdk\"}"})
    void rejectsMalformedSecretsWithoutEchoingValues(String document) {
        assertThatThrownBy(() -> AccountSecret.parse("veryfi/x", document))
                .isInstanceOf(InvalidSecretException.class)
                .hasMessageStartingWith("secret veryfi/x")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\"k\""));
    }

    /** requestSigning: absent means json (what was always sent); "pairs" and "json" are the two Veryfi's clients use. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(nullValues = "NONE", value = {"NONE, JSON", "json, JSON", "pairs, PAIRS"})
    void theSigningSchemeIsChosenPerAccount(String configured, io.veryfikeys.veryfi.SigningScheme expected) {
        String member = configured == null ? "" : ",\"requestSigning\":\"" + configured + "\"";
        AccountSecret secret = AccountSecret.parse("veryfi/x",
                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1" + member + "}");
        assertThat(secret.account().signing()).isEqualTo(expected);
    }
}
