package io.veryfikeys.aws;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * BENCHMARK ONLY, never deployed: the same API as functions' AwsClients, built the way SDK examples
 * do it, i.e. on the SDK's defaults: {@code XxxClient.create()} (default HTTP client = Apache 5
 * found on the classpath, default region provider chain, default credentials provider chain).
 * Compiled by the benchmark at run time and put before the functions jar on the child's classpath,
 * together with the apache5-client jars. Lazy like the real one, so the comparison isolates the
 * client configuration.
 */
public final class AwsClients {
    private static volatile SecretsManagerClient secretsManager;
    private static volatile SnsClient sns;
    private static volatile SfnClient sfn;
    private static volatile SsmParameters ssm;

    private AwsClients() {}

    public static Region region() {
        return new DefaultAwsRegionProviderChain().getRegion();
    }

    public static synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = ClientBuild.timed("secretsmanager", SecretsManagerClient::create);
        }
        return secretsManager;
    }

    public static synchronized SnsClient sns() {
        if (sns == null) {
            sns = ClientBuild.timed("sns", SnsClient::create);
        }
        return sns;
    }

    public static synchronized SfnClient sfn() {
        if (sfn == null) {
            sfn = ClientBuild.timed("sfn", SfnClient::create);
        }
        return sfn;
    }

    /**
     * The functions read SSM with a signed call (no SsmClient); on defaults: Apache 5 and the
     * default chains.
     */
    public static synchronized SsmParameters ssmParameters() {
        if (ssm == null) {
            ssm =
                    ClientBuild.timed(
                            "ssm",
                            () ->
                                    new SsmParameters(
                                            Apache5HttpClient.create(),
                                            DefaultCredentialsProvider.builder().build(),
                                            new DefaultAwsRegionProviderChain().getRegion()));
        }
        return ssm;
    }

    private static DynamoCheckIns checkIns;

    /** The check-in table through the same signed call as the functions; on defaults: Apache 5. */
    public static synchronized DynamoCheckIns checkIns() {
        if (checkIns == null) {
            checkIns =
                    ClientBuild.timed(
                            "dynamodb",
                            () ->
                                    new DynamoCheckIns(
                                            Apache5HttpClient.create(),
                                            DefaultCredentialsProvider.builder().build(),
                                            new DefaultAwsRegionProviderChain().getRegion(),
                                            System.getenv("CHECK_IN_TABLE")));
        }
        return checkIns;
    }

    private static DynamoRequestBudget requestBudget;

    /** The fleet-wide Veryfi request budget through the same signed call; on defaults: Apache 5. */
    public static synchronized DynamoRequestBudget requestBudget() {
        if (requestBudget == null) {
            requestBudget =
                    ClientBuild.timed(
                            "dynamodb-budget",
                            () ->
                                    new DynamoRequestBudget(
                                            Apache5HttpClient.create(),
                                            DefaultCredentialsProvider.builder().build(),
                                            new DefaultAwsRegionProviderChain().getRegion(),
                                            System.getenv("VERYFI_BUDGET_TABLE")));
        }
        return requestBudget;
    }

    private static EventBridgeEvents events;

    /** Lifecycle events through the same signed call as the functions; on defaults: Apache 5. */
    public static synchronized EventBridgeEvents events() {
        if (events == null) {
            events =
                    ClientBuild.timed(
                            "events",
                            () ->
                                    new EventBridgeEvents(
                                            Apache5HttpClient.create(),
                                            DefaultCredentialsProvider.builder().build(),
                                            new DefaultAwsRegionProviderChain().getRegion()));
        }
        return events;
    }
}
