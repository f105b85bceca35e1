package io.veryfikeys.aws;

import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.Env;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.List;

/**
 * The AWS services our functions call, built once per JVM (per Lambda execution environment) on one
 * region, one credentials provider and one HTTP client. Every call is a {@link SignedCall}: no SDK
 * service client is loaded (issue 18: their classes were most of a first invocation's time without
 * SnapStart). The endpoint follows the SDK's standard override ({@code AWS_ENDPOINT_URL} / {@code
 * aws.endpointUrl}), which is how the local stack points the very same code at moto.
 */
public final class AwsClients {
    private static final AwsTransport HTTP =
            ClientBuild.timed(
                    "aws-http",
                    () ->
                            new PrimingTransport(
                                    new UrlConnectionAwsTransport(
                                            AwsCallTimeouts.CONNECT,
                                            AwsCallTimeouts.SOCKET,
                                            AwsCallTimeouts.ATTEMPT)));

    /**
     * The three places Lambda and our tests put credentials, asked in order, instead of the SDK's
     * default chain (which also tries web identity, profile files and the EC2 instance metadata
     * service: about 30 classes loaded by the first invocation, for sources a function never has).
     * A SnapStart function gets no access-key variables: Lambda gives it
     * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, and the credentials
     * behind them expire and are refreshed
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials);
     * the container provider caches them until shortly before their expiration. A function without
     * SnapStart gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), which is why the
     * environment provider must never be the only one. The system properties are the test JVM's
     * (the local stack sets them). Building the chain resolves nothing, and once a provider has
     * answered the chain asks only that one.
     */
    private static final AwsCredentialsProvider CREDENTIALS =
            new PrimingCredentials(
                    new CredentialSources.FirstThatAnswers(
                            List.of(
                                    CredentialSources.KeyCredentials.systemProperties(
                                            System::getProperty),
                                    CredentialSources.KeyCredentials.environment(System::getenv),
                                    new ContainerCredentials())));

    /**
     * The container credentials endpoint's provider, built where this environment's credentials
     * come from there (a SnapStart function: built at init, so it is in the snapshot, and asked
     * only after the restore), else only if the providers before it had none. Building it loads
     * some 70 classes (its HTTP loader, the SDK's JSON parser) that a function with access-key
     * variables, as every function without SnapStart has, never needs.
     */
    private static final class ContainerCredentials implements AwsCredentialsProvider {
        private volatile AwsCredentialsProvider provider =
                System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null
                                || System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null
                        ? ContainerCredentialsProvider.builder().build()
                        : null;

        @Override
        public AwsCredentials resolveCredentials() {
            AwsCredentialsProvider built = provider;
            if (built == null) {
                synchronized (this) {
                    if (provider == null) {
                        provider = ContainerCredentialsProvider.builder().build();
                    }
                    built = provider;
                }
            }
            return built.resolveCredentials();
        }
    }

    /**
     * While a SnapStart priming hook runs, every AWS call is answered locally and signs with
     * placeholder credentials: nothing before the checkpoint asks the credentials endpoint, so the
     * snapshot holds no credentials (they would be expired, or another environment's, after a
     * restore).
     */
    private record PrimingCredentials(AwsCredentialsProvider delegate)
            implements AwsCredentialsProvider {
        private static final AwsCredentials PLACEHOLDER =
                AwsBasicCredentials.create("PRIMING", "priming-placeholder");

        @Override
        public AwsCredentials resolveCredentials() {
            return Priming.active() ? PLACEHOLDER : delegate.resolveCredentials();
        }
    }

    private static final Region REGION =
            CredentialSources.region(System::getProperty, System::getenv);

    private AwsClients() {}

    public static Region region() {
        return REGION;
    }

    // One holder class per client: the JVM builds a client the first time its holder is used, once
    // and thread-safely, so a function that never calls a service never pays for its client.
    private static final class SecretsManagerHolder {
        static final JsonService CLIENT =
                ClientBuild.timed(
                        "secretsmanager",
                        () ->
                                new JsonService(
                                        signed(
                                                SECRETS_MANAGER,
                                                SignedCall.endpoint(
                                                        REGION,
                                                        "secretsmanager",
                                                        "SECRETS_MANAGER",
                                                        "SecretsManager"))));
    }

    private static final class SnsHolder {
        static final SnsTopics CLIENT =
                ClientBuild.timed(
                        "sns",
                        () ->
                                new SnsTopics(
                                        signed(
                                                SnsTopics.SNS,
                                                SignedCall.endpoint(REGION, "sns", "SNS", "Sns"))));
    }

    private static final class SfnHolder {
        static final JsonService CLIENT =
                ClientBuild.timed(
                        "sfn",
                        () ->
                                new JsonService(
                                        signed(
                                                STEP_FUNCTIONS,
                                                SignedCall.endpoint(
                                                        REGION, "states", "SFN", "Sfn"))));
    }

    /** Secrets Manager: JSON 1.1, {@code secretsmanager.} targets. */
    static final SignedCall.Service SECRETS_MANAGER =
            SignedCall.Service.json("SecretsManager", "secretsmanager", "1.1", "secretsmanager.");

    /** Step Functions: JSON 1.0, {@code AWSStepFunctions.} targets, signed as {@code states}. */
    static final SignedCall.Service STEP_FUNCTIONS =
            SignedCall.Service.json("Sfn", "states", "1.0", "AWSStepFunctions.");

    private static SignedCall signed(SignedCall.Service service, java.net.URI endpoint) {
        return new SignedCall(service, HTTP, CREDENTIALS, REGION, endpoint, 100);
    }

    private static final class SsmHolder {
        static final SsmParameters CLIENT =
                ClientBuild.timed("ssm", () -> new SsmParameters(HTTP, CREDENTIALS, REGION));
    }

    private static final class EventsHolder {
        static final EventBridgeEvents CLIENT =
                ClientBuild.timed("events", () -> new EventBridgeEvents(HTTP, CREDENTIALS, REGION));
    }

    private static final class CheckInsHolder {
        static final DynamoCheckIns CLIENT =
                ClientBuild.timed(
                        "dynamodb",
                        () ->
                                new DynamoCheckIns(
                                        HTTP,
                                        CREDENTIALS,
                                        REGION,
                                        Env.get("CHECK_IN_TABLE", null)));
    }

    private static final class RequestBudgetHolder {
        static final DynamoRequestBudget CLIENT =
                ClientBuild.timed(
                        "dynamodb-budget",
                        () ->
                                new DynamoRequestBudget(
                                        HTTP,
                                        CREDENTIALS,
                                        REGION,
                                        Env.get("VERYFI_BUDGET_TABLE", null)));
    }

    /** The fleet-wide Veryfi request budget's count ({@link DynamoRequestBudget}). */
    public static DynamoRequestBudget requestBudget() {
        return RequestBudgetHolder.CLIENT;
    }

    /** The check-in table, read through {@link DynamoCheckIns} (no DynamoDbClient: 3 MB). */
    public static DynamoCheckIns checkIns() {
        return CheckInsHolder.CLIENT;
    }

    /** Lifecycle events, put through {@link EventBridgeEvents} (no EventBridgeClient to load). */
    public static EventBridgeEvents events() {
        return EventsHolder.CLIENT;
    }

    /** Secrets Manager, read and written by {@code AccountSecrets}. */
    public static JsonService secretsManager() {
        return SecretsManagerHolder.CLIENT;
    }

    /**
     * Secrets Manager at another endpoint, with other credentials: for the contract tests that run
     * {@code AccountSecrets} against moto or LocalStack over the wire.
     */
    public static JsonService secretsManager(
            java.net.URI endpoint,
            Region region,
            software.amazon.awssdk.identity.spi.IdentityProvider<
                            ? extends software.amazon.awssdk.identity.spi.AwsCredentialsIdentity>
                    credentials) {
        return new JsonService(
                new SignedCall(SECRETS_MANAGER, HTTP, credentials, region, endpoint, 100));
    }

    /** The SNS topics of alerts and key-rotated events ({@link AwsNotifier}). */
    public static SnsTopics sns() {
        return SnsHolder.CLIENT;
    }

    /** Step Functions: the rotations running, an execution's history, stopping one. */
    public static JsonService sfn() {
        return SfnHolder.CLIENT;
    }

    /** SSM is read through {@link SsmParameters}, not the SDK's SsmClient (6 MB for one call). */
    public static SsmParameters ssmParameters() {
        return SsmHolder.CLIENT;
    }
}
