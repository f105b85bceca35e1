package io.veryfikeys.aws;

import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.Log;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The AWS SDK clients, built once per JVM (per Lambda execution environment) with an explicit
 * region, credentials provider and HTTP client. The endpoint is left to the SDK's standard override
 * ({@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}), which is how the local stack points the
 * very same code at moto.
 */
public final class AwsClients {
    private static final Log LOG = Log.get(AwsClients.class);
    private static final SdkHttpClient HTTP =
            ClientBuild.timed(
                    "aws-http",
                    () ->
                            new PrimingHttpClient(
                                    UrlConnectionHttpClient.builder()
                                            .connectionTimeout(AwsCallTimeouts.CONNECT)
                                            .socketTimeout(AwsCallTimeouts.SOCKET)
                                            .build()));

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
                    AwsCredentialsProviderChain.builder()
                            .reuseLastProviderEnabled(true)
                            .credentialsProviders(
                                    SystemPropertyCredentialsProvider.create(),
                                    EnvironmentVariableCredentialsProvider.create(),
                                    ContainerCredentialsProvider.builder().build())
                            .build());

    /**
     * While a SnapStart priming hook runs, every SDK call is answered locally and signs with
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

    private static final Region REGION = new SystemSettingsRegionProvider().getRegion();

    private static final ExecutionAttribute<Long> STARTED =
            new ExecutionAttribute<>("veryfikeys.aws.started");
    private static final ExecutionAttribute<Long> SENT =
            new ExecutionAttribute<>("veryfikeys.aws.sent");
    private static final ExecutionAttribute<Long> WIRE =
            new ExecutionAttribute<>("veryfikeys.aws.wire");
    private static final ExecutionAttribute<Integer> ATTEMPTS =
            new ExecutionAttribute<>("veryfikeys.aws.attempts");

    /**
     * Logs one {@code aws.call} line per SDK call, with the time on the wire apart from the total:
     * what an operator needs to see where a slow or cold invocation spent its time. (While {@link
     * Priming} runs, {@link PrimingHttpClient} answers instead of AWS, and nothing is logged.)
     */
    private static final ClientOverrideConfiguration OVERRIDES =
            ClientOverrideConfiguration.builder()
                    // Hard bounds on each call, its retries included (see AwsCallTimeouts).
                    .apiCallAttemptTimeout(AwsCallTimeouts.SDK_ATTEMPT)
                    .apiCallTimeout(AwsCallTimeouts.SDK_CALL)
                    .addExecutionInterceptor(
                            new ExecutionInterceptor() {
                                @Override
                                public void beforeExecution(
                                        Context.BeforeExecution context,
                                        ExecutionAttributes attributes) {
                                    if (!Priming.active()
                                            && !InvocationDeadline.mayStart(
                                                    AwsCallTimeouts.SDK_CALL)) {
                                        // Retryable (StepHandler turns it into
                                        // AwsUnavailableException): the state
                                        // machine tries the step again in a fresh invocation.
                                        throw SdkClientException.create(
                                                "not sent: less than "
                                                        + AwsCallTimeouts.SDK_CALL.toSeconds()
                                                        + " s left before the function's timeout");
                                    }
                                    attributes.putAttribute(STARTED, System.nanoTime());
                                    attributes.putAttribute(WIRE, 0L);
                                    attributes.putAttribute(ATTEMPTS, 0);
                                }

                                @Override
                                public void beforeTransmission(
                                        Context.BeforeTransmission context,
                                        ExecutionAttributes attributes) {
                                    attributes.putAttribute(SENT, System.nanoTime());
                                    attributes.putAttribute(
                                            ATTEMPTS, attributes.getAttribute(ATTEMPTS) + 1);
                                }

                                @Override
                                public void afterTransmission(
                                        Context.AfterTransmission context,
                                        ExecutionAttributes attributes) {
                                    attributes.putAttribute(
                                            WIRE,
                                            attributes.getAttribute(WIRE)
                                                    + System.nanoTime()
                                                    - attributes.getAttribute(SENT));
                                }

                                @Override
                                public void afterExecution(
                                        Context.AfterExecution context,
                                        ExecutionAttributes attributes) {
                                    if (!Priming.active()) {
                                        logCall(
                                                attributes,
                                                context.httpResponse().statusCode(),
                                                "ok");
                                    }
                                }

                                @Override
                                public void onExecutionFailure(
                                        Context.FailedExecution context,
                                        ExecutionAttributes attributes) {
                                    if (!Priming.active()) {
                                        logCall(
                                                attributes,
                                                context.httpResponse()
                                                        .map(r -> r.statusCode())
                                                        .orElse(-1),
                                                context.exception().getClass().getSimpleName());
                                    }
                                }
                            })
                    .build();

    private static void logCall(ExecutionAttributes attributes, int status, String outcome) {
        Long started = attributes.getAttribute(STARTED);
        Long wire = attributes.getAttribute(WIRE);
        LOG.info(
                "aws.call",
                "service",
                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                "operation",
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                "status",
                status,
                "outcome",
                outcome,
                "attempts",
                attributes.getAttribute(ATTEMPTS),
                "durationMs",
                started == null ? -1 : (System.nanoTime() - started) / 1_000_000,
                "wireMs",
                wire == null ? -1 : wire / 1_000_000);
    }

    private AwsClients() {}

    public static Region region() {
        return REGION;
    }

    // One holder class per client: the JVM builds a client the first time its holder is used, once
    // and thread-safely, so a function that never calls a service never pays for its client.
    private static final class SecretsManagerHolder {
        static final SecretsManagerClient CLIENT =
                ClientBuild.timed(
                        "secretsmanager", () -> configure(SecretsManagerClient.builder()));
    }

    private static final class SnsHolder {
        static final SnsClient CLIENT =
                ClientBuild.timed("sns", () -> configure(SnsClient.builder()));
    }

    private static final class SfnHolder {
        static final SfnClient CLIENT =
                ClientBuild.timed("sfn", () -> configure(SfnClient.builder()));
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

    public static SecretsManagerClient secretsManager() {
        return SecretsManagerHolder.CLIENT;
    }

    public static SnsClient sns() {
        return SnsHolder.CLIENT;
    }

    public static SfnClient sfn() {
        return SfnHolder.CLIENT;
    }

    /** SSM is read through {@link SsmParameters}, not the SDK's SsmClient (6 MB for one call). */
    public static SsmParameters ssmParameters() {
        return SsmHolder.CLIENT;
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
            B builder) {
        return builder.region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(HTTP)
                .overrideConfiguration(OVERRIDES)
                .build();
    }
}
