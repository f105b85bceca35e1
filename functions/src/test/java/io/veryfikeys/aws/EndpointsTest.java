package io.veryfikeys.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoints of the services that had SDK clients before issue 18, as those clients resolved
 * them: the region's endpoint from the SDK's service metadata (the China partition's own domain,
 * the FIPS variant when asked), unless the service's own override or the global one is set.
 */
class EndpointsTest {
    @BeforeEach
    void noOverrideInThisJvm() {
        Assumptions.assumeTrue(
                System.getenv("AWS_ENDPOINT_URL") == null
                        && System.getenv("AWS_USE_FIPS_ENDPOINT") == null,
                "this JVM's environment overrides the endpoint");
    }

    @AfterEach
    void clear() {
        for (String p :
                new String[] {
                    "aws.endpointUrl",
                    "aws.endpointUrlSecretsManager",
                    "aws.endpointUrlSfn",
                    "aws.endpointUrlSns",
                    "aws.useFipsEndpoint"
                }) {
            System.clearProperty(p);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "secretsmanager, SECRETS_MANAGER, SecretsManager, us-east-1, false, https://secretsmanager.us-east-1.amazonaws.com",
        "secretsmanager, SECRETS_MANAGER, SecretsManager, cn-north-1, false, https://secretsmanager.cn-north-1.amazonaws.com.cn",
        "secretsmanager, SECRETS_MANAGER, SecretsManager, us-east-1, true, https://secretsmanager-fips.us-east-1.amazonaws.com",
        "states, SFN, Sfn, eu-west-1, false, https://states.eu-west-1.amazonaws.com",
        "states, SFN, Sfn, us-east-1, true, https://states-fips.us-east-1.amazonaws.com",
        "sns, SNS, Sns, ap-southeast-2, false, https://sns.ap-southeast-2.amazonaws.com",
        "sns, SNS, Sns, cn-northwest-1, false, https://sns.cn-northwest-1.amazonaws.com.cn",
    })
    void theRegionsEndpointAsTheSdkClientResolvedIt(
            String id, String env, String property, String region, boolean fips, String expected) {
        if (fips) {
            System.setProperty("aws.useFipsEndpoint", "true");
        }
        assertThat(SignedCall.endpoint(Region.of(region), id, env, property)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "secretsmanager, SECRETS_MANAGER, SecretsManager",
        "states, SFN, Sfn",
        "sns, SNS, Sns"
    })
    void theServicesOwnOverrideThenTheGlobalOne(String id, String env, String property) {
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:4566");
        assertThat(SignedCall.endpoint(Region.US_EAST_1, id, env, property))
                .hasToString("http://127.0.0.1:4566");
        System.setProperty("aws.endpointUrl" + property, "http://127.0.0.1:9999");
        assertThat(SignedCall.endpoint(Region.US_EAST_1, id, env, property))
                .hasToString("http://127.0.0.1:9999");
    }

    /**
     * Our table against the SDK's metadata for every region the SDK knows, each of our services,
     * with and without FIPS and dual-stack: the host, or the same refusal.
     */
    @org.junit.jupiter.api.Test
    void everyRegionTheSdkKnowsGetsTheHostItsMetadataGives() {
        int compared = 0;
        java.util.List<String> different = new java.util.ArrayList<>();
        for (Region region : Region.regions()) {
            for (String service :
                    new String[] {"secretsmanager", "states", "sns", "ssm", "dynamodb", "events"}) {
                for (boolean fips : new boolean[] {false, true}) {
                    for (boolean dualStack : new boolean[] {false, true}) {
                        String sdk =
                                outcome(
                                        () ->
                                                Endpoints.fromSdkMetadata(
                                                        service, region, fips, dualStack));
                        String ours =
                                outcome(() -> Endpoints.host(service, region, fips, dualStack));
                        if (!sdk.equals(ours)) {
                            different.add(
                                    service
                                            + " "
                                            + region
                                            + " fips="
                                            + fips
                                            + " dualstack="
                                            + dualStack
                                            + ": sdk "
                                            + sdk
                                            + ", ours "
                                            + ours);
                        }
                        compared++;
                    }
                }
            }
        }
        assertThat(different).isEmpty();
        assertThat(compared).isGreaterThan(6 * 4 * 30);
    }

    @org.junit.jupiter.api.Test
    void aRegionOfNoKnownPartitionIsLeftToTheSdkMetadata() {
        assertThat(Endpoints.host("sns", Region.of("xx-mars-1"), false, false))
                .isEqualTo(Endpoints.fromSdkMetadata("sns", Region.of("xx-mars-1"), false, false));
        assertThat(Endpoints.host("ssm", Region.of("us-gov-west-1"), true, false))
                .isEqualTo("ssm.us-gov-west-1.amazonaws.com");
    }

    private static String outcome(java.util.function.Supplier<String> host) {
        try {
            return host.get();
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }
}
