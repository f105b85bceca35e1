package io.veryfikeys.aws;

import software.amazon.awssdk.regions.EndpointTag;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceEndpointKey;
import software.amazon.awssdk.regions.ServiceMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The host of a service's regional endpoint, as the SDK's service metadata gives it, without
 * loading that metadata for the regions and services it knows. The SDK's metadata loader builds
 * every service's and every region's metadata at once (about 360 classes, 190 ms of a fresh JVM for
 * the first endpoint, measured with {@code farm-bench}); in AWS, with no endpoint override, every
 * function paid that on its first call without SnapStart.
 *
 * <p>The partitions and their DNS suffixes are those of the SDK's {@code endpoints.json}
 * (https://docs.aws.amazon.com/general/latest/gr/rande.html: {@code service.region.suffix}, and
 * {@code service-fips.region.suffix} for FIPS). Where one of our services departs from its
 * partition's pattern (FIPS in AWS GovCloud for SNS, SSM, EventBridge and Step Functions' west
 * region), the exception is listed. A region outside these partitions, and dual-stack outside the
 * partitions that have it, are resolved by the SDK's metadata, slowly but as before. {@code
 * EndpointsTest} compares every region the SDK knows, for each of our services, with and without
 * FIPS and dual-stack, with the SDK's own answer.
 */
final class Endpoints {
    private record Partition(Pattern regions, String dnsSuffix, String dualStackDnsSuffix) {}

    private static final List<Partition> PARTITIONS =
            List.of(
                    new Partition(
                            Pattern.compile("^(us|eu|ap|sa|ca|me|af|il|mx)-\\w+-\\d+$"),
                            "amazonaws.com",
                            "api.aws"),
                    new Partition(
                            Pattern.compile("^cn-\\w+-\\d+$"),
                            "amazonaws.com.cn",
                            "api.amazonwebservices.com.cn"),
                    new Partition(
                            Pattern.compile("^us-gov-\\w+-\\d+$"), "amazonaws.com", "api.aws"),
                    new Partition(
                            Pattern.compile("^eusc-(de)-\\w+-\\d+$"),
                            "amazonaws.eu",
                            "api.amazonwebservices.eu"),
                    new Partition(Pattern.compile("^us-iso-\\w+-\\d+$"), "c2s.ic.gov", null),
                    new Partition(Pattern.compile("^us-isob-\\w+-\\d+$"), "sc2s.sgov.gov", null),
                    new Partition(Pattern.compile("^eu-isoe-\\w+-\\d+$"), "cloud.adc-e.uk", null),
                    new Partition(Pattern.compile("^us-isof-\\w+-\\d+$"), "csp.hci.ic.gov", null));

    /** FIPS endpoints that are not {@code service-fips.region.suffix}: the plain one serves it. */
    private static final Map<String, String> FIPS_EXCEPTIONS =
            Map.of(
                    "sns/us-gov-east-1", "sns.us-gov-east-1.amazonaws.com",
                    "sns/us-gov-west-1", "sns.us-gov-west-1.amazonaws.com",
                    "ssm/us-gov-east-1", "ssm.us-gov-east-1.amazonaws.com",
                    "ssm/us-gov-west-1", "ssm.us-gov-west-1.amazonaws.com",
                    "events/us-gov-east-1", "events.us-gov-east-1.amazonaws.com",
                    "events/us-gov-west-1", "events.us-gov-west-1.amazonaws.com",
                    "states/us-gov-west-1", "states.us-gov-west-1.amazonaws.com");

    private Endpoints() {}

    /** {@code service}: the endpoint prefix ({@code secretsmanager}, {@code states}, ...). */
    static String host(String service, Region region, boolean fips, boolean dualStack) {
        String id = region.id();
        if (fips && !dualStack) {
            String exception = FIPS_EXCEPTIONS.get(service + "/" + id);
            if (exception != null) {
                return exception;
            }
        }
        for (Partition partition : PARTITIONS) {
            if (partition.regions().matcher(id).matches()) {
                if (dualStack && (partition.dualStackDnsSuffix() == null || fips)) {
                    break; // rare: the SDK's metadata knows
                }
                return service
                        + (fips ? "-fips." : ".")
                        + id
                        + "."
                        + (dualStack ? partition.dualStackDnsSuffix() : partition.dnsSuffix());
            }
        }
        return fromSdkMetadata(service, region, fips, dualStack);
    }

    static String fromSdkMetadata(String service, Region region, boolean fips, boolean dualStack) {
        List<EndpointTag> tags = new ArrayList<>();
        if (fips) {
            tags.add(EndpointTag.FIPS);
        }
        if (dualStack) {
            tags.add(EndpointTag.DUALSTACK);
        }
        ServiceEndpointKey key = ServiceEndpointKey.builder().region(region).tags(tags).build();
        return ServiceMetadata.of(service).endpointFor(key).toString();
    }
}
