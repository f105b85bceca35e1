package io.veryfikeys.aws;

import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SSM read the functions make without the SDK's SsmClient, against moto over the wire, through
 * the Lambda host's proxy (which is where the AWS faults are injected): the same client the
 * functions build ({@link AwsClients#ssmParameters()}), endpoint from the standard override.
 */
@ExtendWith(LocalAwsStackExtension.class)
class SsmParametersOnMotoTest {
    private static LocalAwsStack stack;
    private static SsmClient sdk;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    static void connect(LocalAwsStack localStack) {
        stack = localStack;
        sdk = stack.client(SsmClient::builder);
    }

    @AfterEach
    void restore() {
        stack.lambdaHost().clearAwsFaults();
        Log.redirect(null);
    }

    private String parameter(String value) {
        String name = "/veryfi-key-rotation/consumers/ssm-test-" + UUID.randomUUID();
        sdk.putParameter(b -> b.name(name).type("String").value(value));
        return name;
    }

    private void captureLogs() {
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
    }

    @Test
    void readsTheValueStoredThroughTheSdk() {
        String value =
                "{\"consumers\":[{\"name\":\"payroll\",\"healthUrl\":\"https://payroll.example/health\"}],"
                        + "\"note\":\"üñí \\\" ✓\"}"
                        + "x".repeat(3000);
        String name = parameter(value);
        assertThat(AwsClients.ssmParameters().get(name)).contains(value);
    }

    @Test
    void aSecureStringReadsAsItsPlaintext() {
        String value = "{\"consumers\":[]}";
        String name = "/veryfi-key-rotation/consumers/ssm-secure-" + UUID.randomUUID();
        sdk.putParameter(b -> b.name(name).type("SecureString").value(value));
        assertThat(AwsClients.ssmParameters().get(name)).contains(value);
    }

    @Test
    void aMissingParameterIsEmptyNotAnError() {
        assertThat(
                        AwsClients.ssmParameters()
                                .get("/veryfi-key-rotation/consumers/nobody-" + UUID.randomUUID()))
                .isEmpty();
    }

    @Test
    void throttlingIsRetriedAndTheCallLogsItsAttempts() {
        String name = parameter("{\"consumers\":[]}");
        stack.lambdaHost().injectAwsFault("AmazonSSM.GetParameter", 400, "ThrottlingException", 2);
        captureLogs();
        assertThat(AwsClients.ssmParameters().get(name)).contains("{\"consumers\":[]}");
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertThat(logged)
                .contains("\"event\":\"aws.call\"")
                .contains("\"operation\":\"GetParameter\"")
                .contains("\"attempts\":3")
                .contains("\"outcome\":\"ok\"");
    }

    @Test
    void aPersistentOutageIsTheRetryableErrorTheStateMachineRetries() {
        String name = parameter("{\"consumers\":[]}");
        stack.lambdaHost()
                .injectAwsFault(
                        "AmazonSSM.GetParameter",
                        500,
                        "InternalServerError",
                        SsmParameters.MAX_ATTEMPTS);
        assertThatThrownBy(() -> AwsClients.ssmParameters().get(name))
                .isInstanceOf(AwsUnavailableException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("InternalServerError (HTTP 500)")
                .hasMessageContaining("after 3 attempts");
        assertThat(AwsClients.ssmParameters().get(name)).contains("{\"consumers\":[]}");
    }

    @Test
    void accessDeniedFailsAtOnceWithWhatAwsSaid() {
        String name = parameter("{\"consumers\":[]}");
        stack.lambdaHost()
                .injectAwsFault("AmazonSSM.GetParameter", 400, "AccessDeniedException", 1);
        assertThatThrownBy(() -> AwsClients.ssmParameters().get(name))
                .isInstanceOf(AwsCallFailedException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("AccessDeniedException (HTTP 400)");
        // one fault, one call: not retried, so the next read finds the fault gone
        assertThat(AwsClients.ssmParameters().get(name)).contains("{\"consumers\":[]}");
    }
}
