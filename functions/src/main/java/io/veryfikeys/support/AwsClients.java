package io.veryfikeys.support;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;

/**
 * The AWS SDK clients, built once per JVM (per Lambda execution environment) with an explicit
 * region, credentials provider and HTTP client, so that a cold start does not walk the SDK's
 * default provider chains. The endpoint is left to the SDK's standard override
 * ({@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}), which is how the local stack points
 * the very same code at moto.
 */
public final class AwsClients {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(10))
            .build();

    // Lambda puts credentials in environment variables; the local stack, running handlers
    // in-process, can only set system properties.
    private static final AwsCredentialsProvider CREDENTIALS = AwsCredentialsProviderChain.of(
            EnvironmentVariableCredentialsProvider.create(),
            SystemPropertyCredentialsProvider.create());

    private static final Region REGION = new SystemSettingsRegionProvider().getRegion();

    /**
     * Stops a request right before it goes on the wire while {@link Priming} runs on this thread,
     * so a SnapStart priming hook exercises marshalling, endpoint resolution and signing and
     * never calls AWS. Outside priming it is one ThreadLocal read per request.
     */
    private static final ClientOverrideConfiguration OVERRIDES = ClientOverrideConfiguration.builder()
            .addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    if (Priming.active()) {
                        throw new Priming.PrimingAbort();
                    }
                }
            })
            .build();

    private static volatile SecretsManagerClient secretsManager;
    private static volatile SnsClient sns;
    private static volatile SfnClient sfn;
    private static volatile SsmClient ssm;

    private AwsClients() {
    }

    public static Region region() {
        return REGION;
    }

    public static SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            synchronized (AwsClients.class) {
                if (secretsManager == null) {
                    secretsManager = SecretsManagerClient.builder()
                            .region(REGION).credentialsProvider(CREDENTIALS).httpClient(HTTP)
                            .overrideConfiguration(OVERRIDES).build();
                }
            }
        }
        return secretsManager;
    }

    public static SnsClient sns() {
        if (sns == null) {
            synchronized (AwsClients.class) {
                if (sns == null) {
                    sns = SnsClient.builder()
                            .region(REGION).credentialsProvider(CREDENTIALS).httpClient(HTTP)
                            .overrideConfiguration(OVERRIDES).build();
                }
            }
        }
        return sns;
    }

    public static SfnClient sfn() {
        if (sfn == null) {
            synchronized (AwsClients.class) {
                if (sfn == null) {
                    sfn = SfnClient.builder()
                            .region(REGION).credentialsProvider(CREDENTIALS).httpClient(HTTP)
                            .overrideConfiguration(OVERRIDES).build();
                }
            }
        }
        return sfn;
    }

    public static SsmClient ssm() {
        if (ssm == null) {
            synchronized (AwsClients.class) {
                if (ssm == null) {
                    ssm = SsmClient.builder()
                            .region(REGION).credentialsProvider(CREDENTIALS).httpClient(HTTP)
                            .overrideConfiguration(OVERRIDES).build();
                }
            }
        }
        return ssm;
    }
}
