package io.veryfikeys.secrets;

import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The Secrets Manager contract against moto over the AWS wire protocol. */
@ExtendWith(LocalAwsStackExtension.class)
class AccountSecretsOnMotoTest extends AccountSecretsContract {
    private static SecretsManagerClient client;

    @BeforeAll
    static void connect(LocalAwsStack stack) {
        client = stack.secretsManager();
    }

    @Override
    protected SecretsManagerClient client() {
        return client;
    }
}
