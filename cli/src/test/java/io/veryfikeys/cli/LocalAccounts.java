package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.List;
import java.util.Map;

/**
 * An account as an operator configures one, on the local stack: a Veryfi account, its tagged
 * secret, its registry.
 */
final class LocalAccounts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalAccounts() {}

    /** A simulator account and the secret holding its first key, tagged for rotation. */
    static SimulatedKey create(
            LocalAwsStack stack,
            VeryfiSimulator veryfi,
            String secretId,
            String clientId,
            String username) {
        SimulatedKey key = veryfi.createAccount(clientId, username, null);
        ObjectNode secret =
                JSON.createObjectNode()
                        .put("clientId", clientId)
                        .put("username", username)
                        .put("apiKey", key.value())
                        .put("apiKeyId", key.id())
                        .put("baseUrl", veryfi.baseUrl().toString());
        stack.secretsManager()
                .createSecret(
                        b ->
                                b.name(secretId)
                                        .secretString(secret.toString())
                                        .tags(
                                                Tag.builder()
                                                        .key("veryfi-key-rotation")
                                                        .value("enabled")
                                                        .build()));
        return key;
    }

    /** The account's consumer registry: these consumers' health endpoints. */
    static void registry(LocalAwsStack stack, String secretId, List<SimulatedConsumer> consumers) {
        String registry =
                JSON.createObjectNode()
                        .set(
                                "consumers",
                                JSON.valueToTree(
                                        consumers.stream()
                                                .map(
                                                        c ->
                                                                Map.of(
                                                                        "name",
                                                                        c.name(),
                                                                        "healthUrl",
                                                                        c.healthUrl().toString()))
                                                .toList()))
                        .toString();
        stack.client(SsmClient::builder)
                .putParameter(
                        b ->
                                b.name("/veryfi-key-rotation/consumers/" + secretId)
                                        .type("String")
                                        .value(registry)
                                        .overwrite(true));
    }

    /** What a consumer fetches: the AWSCURRENT credentials. */
    static SimulatedConsumer.Credentials current(LocalAwsStack stack, String secretId) {
        return SimulatedConsumer.Credentials.fromSecretString(
                secretId,
                stack.secretsManager()
                        .getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT"))
                        .secretString());
    }
}
