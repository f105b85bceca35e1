package io.veryfikeys.secrets;

import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.aws.JsonService;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The Secrets Manager contract against moto over the AWS wire protocol. */
@ExtendWith(LocalAwsStackExtension.class)
class AccountSecretsOnMotoTest extends AccountSecretsContract {
    private static SecretsManagerClient client;
    private static JsonService store;

    @BeforeAll
    static void connect(LocalAwsStack stack) {
        client = stack.secretsManager();
        var key = stack.clientCredentials();
        store =
                AwsClients.secretsManager(
                        stack.endpoint(),
                        stack.region(),
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        key.accessKeyId(), key.secretAccessKey())));
    }

    @Override
    protected JsonService store() {
        return store;
    }

    @Override
    protected SecretsManagerClient client() {
        return client;
    }
}
