package io.veryfikeys.secrets;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.aws.JsonService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The same Secrets Manager contract against LocalStack in Docker, through Testcontainers. Where no
 * Docker engine runs (as on this project's CI machines), the class is skipped with the reason.
 */
@EnabledIf(
        value = "dockerAvailable",
        disabledReason =
                "No Docker engine here: the LocalStack (Testcontainers)"
                        + " variant is skipped; the same contract ran against moto in AccountSecretsOnMotoTest")
class AccountSecretsOnLocalStackTest extends AccountSecretsContract {
    private static LocalStackContainer localStack;
    private static SecretsManagerClient client;
    private static JsonService store;

    static boolean dockerAvailable() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            System.err.println(
                    "AccountSecretsOnLocalStackTest skipped: no Docker engine, so no LocalStack container;"
                            + " the same contract ran against moto.");
        }
        return docker;
    }

    @BeforeAll
    static void startLocalStack() {
        localStack =
                new LocalStackContainer(DockerImageName.parse("localstack/localstack:4"))
                        .withServices("secretsmanager");
        localStack.start();
        client =
                SecretsManagerClient.builder()
                        .endpointOverride(localStack.getEndpoint())
                        .region(Region.of(localStack.getRegion()))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                localStack.getAccessKey(),
                                                localStack.getSecretKey())))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
        store =
                AwsClients.secretsManager(
                        localStack.getEndpoint(),
                        Region.of(localStack.getRegion()),
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        localStack.getAccessKey(), localStack.getSecretKey())));
    }

    @AfterAll
    static void stopLocalStack() {
        if (client != null) {
            client.close();
        }
        if (localStack != null) {
            localStack.stop();
        }
    }

    @Override
    protected SecretsManagerClient client() {
        return client;
    }

    @Override
    protected JsonService store() {
        return store;
    }
}
