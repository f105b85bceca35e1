package io.veryfikeys.rotation;

import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeploySettingsTest {
    private static final String DEFAULTS =
            "{\"pollIntervalSeconds\":\"120\",\"requiredHealthyPolls\":\"3\","
                    + "\"pollTimeoutSeconds\":\"86400\",\"gracePeriodSeconds\":\"3600\","
                    + "\"consumerRegistryPrefix\":\"/veryfi-key-rotation/consumers\",\"secretNamePrefix\":\"veryfi/\","
                    + "\"veryfiRequestsPerSecond\":\"10\"}";

    @Test
    void readsTheSubstitutedStringsAsTheStateMachinePassesThem() throws Exception {
        DeploySettings settings = DeploySettings.from(Json.MAPPER.readTree(DEFAULTS));
        assertThat(settings)
                .isEqualTo(
                        new DeploySettings(
                                new RotationSettings(120, 3, 86400, 3600),
                                "/veryfi-key-rotation/consumers",
                                "veryfi/",
                                10));
    }

    /** A definition deployed before the request budget existed has none: no pacing. */
    @Test
    void aDefinitionWithoutTheBudgetPacesNothing() throws Exception {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(DEFAULTS);
        node.remove("veryfiRequestsPerSecond");
        assertThat(DeploySettings.from(node).veryfiRequestsPerSecond()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "null                                                      | no deploySettings object",
                "[]                                                        | no deploySettings object",
                "{\"pollIntervalSeconds\":\"${PollIntervalSeconds}\"}       | deploySettings.pollIntervalSeconds must be a whole number",
                "{\"pollIntervalSeconds\":\"1.5\"}                          | deploySettings.pollIntervalSeconds must be a whole number",
                "{\"requiredHealthyPolls\":true}                            | deploySettings.requiredHealthyPolls must be a whole number",
                "{\"pollIntervalSeconds\":\"0\"}                            | pollIntervalSeconds must be between 1 and 3600, got 0",
                "{\"gracePeriodSeconds\":\"604801\"}                        | gracePeriodSeconds must be between 0 and 604800",
                "{\"consumerRegistryPrefix\":\"\"}                          | deploySettings.consumerRegistryPrefix must be a non-empty string",
                "{\"consumerRegistryPrefix\":\"relative/path\"}             | consumerRegistryPrefix must be an SSM path",
                "{\"consumerRegistryPrefix\":\"/a/../b?x\"}                 | consumerRegistryPrefix must be an SSM path",
                "{\"secretNamePrefix\":\"\"}                                | deploySettings.secretNamePrefix must be a non-empty string",
                "{\"secretNamePrefix\":\"veryfi/*\"}                        | deploySettings.secretNamePrefix must be a secret name prefix",
                "{\"secretNamePrefix\":\"veryfi\"}                          | must be a secret name prefix ending with '/'",
                "{\"veryfiRequestsPerSecond\":\"0\"}                        | veryfiRequestsPerSecond must be between 1 and 60, got 0",
                "{\"veryfiRequestsPerSecond\":\"61\"}                       | veryfiRequestsPerSecond must be between 1 and 60, got 61",
                "{\"veryfiRequestsPerSecond\":\"${VeryfiRequestsPerSecond}\"} | deploySettings.veryfiRequestsPerSecond must be a whole number",
            })
    void refusesWhatTheTemplateCouldNotHaveSent(String change, String message) throws Exception {
        var node =
                change.equals("null") || change.equals("[]")
                        ? Json.MAPPER.readTree(change)
                        : ((com.fasterxml.jackson.databind.node.ObjectNode)
                                        Json.MAPPER.readTree(DEFAULTS))
                                .setAll(
                                        (com.fasterxml.jackson.databind.node.ObjectNode)
                                                Json.MAPPER.readTree(change));
        assertThatThrownBy(() -> DeploySettings.from(node))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}
