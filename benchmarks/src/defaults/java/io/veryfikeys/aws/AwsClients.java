package io.veryfikeys.aws;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.InputStream;

/**
 * BENCHMARK ONLY, never deployed: the same API as functions' AwsClients, built on the SDK's
 * defaults: the default HTTP client (Apache 5, found on the classpath), the default region provider
 * chain and the default credentials provider chain. The functions make every AWS call as a signed
 * call (no SDK service client since issue 18), so this variant makes the same calls on those
 * defaults. Compiled by the benchmark at run time and put before the functions jar on the child's
 * classpath, together with the apache5-client jars. Lazy like the real one, so the comparison
 * isolates the client configuration.
 */
public final class AwsClients {
    private static volatile JsonService secretsManager;
    private static volatile SnsTopics sns;
    private static volatile JsonService sfn;
    private static volatile SsmParameters ssm;

    private AwsClients() {}

    /** The SDK's default HTTP client (Apache 5) under the functions' signed calls. */
    private static AwsTransport over(SdkHttpClient client) {
        return (uri, headers, body) -> {
            SdkHttpRequest.Builder request =
                    SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
            headers.forEach(request::putHeader);
            HttpExecuteResponse response =
                    client.prepareRequest(
                                    HttpExecuteRequest.builder()
                                            .request(request.build())
                                            .contentStreamProvider(
                                                    ContentStreamProvider.fromByteArray(body))
                                            .build())
                            .call();
            byte[] bytes;
            try (InputStream in =
                    response.responseBody()
                            .map(s -> (InputStream) s)
                            .orElse(InputStream.nullInputStream())) {
                bytes = in.readAllBytes();
            }
            return new AwsTransport.Response(
                    response.httpResponse().statusCode(),
                    response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null),
                    bytes);
        };
    }

    public static Region region() {
        return new DefaultAwsRegionProviderChain().getRegion();
    }

    /** A signed call on the defaults. */
    private static SignedCall signed(
            SignedCall.Service service, String endpointId, String env, String property) {
        Region region = new DefaultAwsRegionProviderChain().getRegion();
        return new SignedCall(
                service,
                over(Apache5HttpClient.create()),
                DefaultCredentialsProvider.builder().build(),
                region,
                SignedCall.endpoint(region, endpointId, env, property),
                100);
    }

    public static synchronized JsonService secretsManager() {
        if (secretsManager == null) {
            secretsManager =
                    ClientBuild.timed(
                            "secretsmanager",
                            () ->
                                    new JsonService(
                                            signed(
                                                    SignedCall.Service.json(
                                                            "SecretsManager",
                                                            "secretsmanager",
                                                            "1.1",
                                                            "secretsmanager."),
                                                    "secretsmanager",
                                                    "SECRETS_MANAGER",
                                                    "SecretsManager")));
        }
        return secretsManager;
    }

    public static synchronized SnsTopics sns() {
        if (sns == null) {
            sns =
                    ClientBuild.timed(
                            "sns", () -> new SnsTopics(signed(SnsTopics.SNS, "sns", "SNS", "Sns")));
        }
        return sns;
    }

    public static synchronized JsonService sfn() {
        if (sfn == null) {
            sfn =
                    ClientBuild.timed(
                            "sfn",
                            () ->
                                    new JsonService(
                                            signed(
                                                    SignedCall.Service.json(
                                                            "Sfn",
                                                            "states",
                                                            "1.0",
                                                            "AWSStepFunctions."),
                                                    "states",
                                                    "SFN",
                                                    "Sfn")));
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
                                            over(Apache5HttpClient.create()),
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
                                            over(Apache5HttpClient.create()),
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
                                            over(Apache5HttpClient.create()),
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
                                            over(Apache5HttpClient.create()),
                                            DefaultCredentialsProvider.builder().build(),
                                            new DefaultAwsRegionProviderChain().getRegion()));
        }
        return events;
    }
}
