package io.veryfikeys.aws;

import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stack checks every request's SigV4 signature as AWS does (moto checks none), so that every
 * suite proves the functions' own signer: a request signed with the right access key but the wrong
 * secret is refused, one signed right is served, by the SDK's client and by ours.
 */
@ExtendWith(LocalAwsStackExtension.class)
public class SignaturesOnTheStackTest {
    /**
     * The principal whose requests are signed with the wrong secret here: the suites that check the
     * stack refused nothing else leave its refusals out.
     */
    public static final String FORGER = "signature-forger";

    private static LocalAwsStack stack;
    private static String forgerKeyId;
    private static String forgerSecret;

    @BeforeAll
    static void connect(LocalAwsStack localStack) {
        stack = localStack;
        var key = stack.lambdaHost().credentials().issueLongLived(FORGER);
        forgerKeyId = key.accessKeyId();
        forgerSecret = key.secretAccessKey();
    }

    private static String secret() {
        String name = "veryfi/signatures-" + UUID.randomUUID();
        stack.secretsManager()
                .createSecret(
                        b ->
                                b.name(name)
                                        .secretString(
                                                "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\"k\",\"apiKeyId\":1}"));
        return name;
    }

    @Test
    void aRequestSignedWithTheWrongSecretIsRefusedAsAwsRefusesIt() {
        String name = secret();
        try (SecretsManagerClient forged =
                SecretsManagerClient.builder()
                        .endpointOverride(stack.endpoint())
                        .region(stack.region())
                        .httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                forgerKeyId, "not-" + forgerSecret)))
                        .build()) {
            assertThatThrownBy(() -> forged.describeSecret(b -> b.secretId(name)))
                    .isInstanceOfSatisfying(
                            SecretsManagerException.class,
                            e -> {
                                assertThat(e.statusCode()).isEqualTo(403);
                                assertThat(e.awsErrorDetails().errorCode())
                                        .isEqualTo("InvalidSignatureException");
                            });
        }
        assertThat(stack.secretsManager().describeSecret(b -> b.secretId(name)).name())
                .isEqualTo(name);
    }

    @Test
    void ourSignedCallsAreServed() {
        String name = secret();
        var key = stack.clientCredentials();
        JsonService ours =
                AwsClients.secretsManager(
                        stack.endpoint(),
                        stack.region(),
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        key.accessKeyId(), key.secretAccessKey())));
        assertThat(
                        ours.call(
                                        "DescribeSecret",
                                        "DescribeSecret " + name,
                                        JsonService.request().put("SecretId", name))
                                .path("Name")
                                .asText())
                .isEqualTo(name);
        JsonService forged =
                AwsClients.secretsManager(
                        stack.endpoint(),
                        stack.region(),
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(forgerKeyId, "not-" + forgerSecret)));
        assertThatThrownBy(
                        () ->
                                forged.call(
                                        "DescribeSecret",
                                        "DescribeSecret " + name,
                                        JsonService.request().put("SecretId", name)))
                .hasMessageContaining("InvalidSignatureException (HTTP 403)");
    }
}
