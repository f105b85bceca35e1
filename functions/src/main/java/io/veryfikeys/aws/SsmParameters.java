package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Parameters;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Optional;

/**
 * Reads one SSM parameter: {@code AmazonSSM.GetParameter} (JSON 1.1 protocol) as a {@link
 * SignedCall}.
 *
 * <p>Why not the SDK's {@code SsmClient}: its jar is 6 MB, 40% of the deployable, for this one
 * call, and every function ships it (issue 7).
 */
public final class SsmParameters implements Parameters {
    static final int MAX_ATTEMPTS = SignedCall.MAX_ATTEMPTS;
    static final SignedCall.Service SSM =
            new SignedCall.Service("Ssm", "ssm", "application/x-amz-json-1.1", "AmazonSSM.");

    private final SignedCall calls;

    public SsmParameters(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region) {
        this(http, credentials, region, endpoint(region), 100);
    }

    SsmParameters(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis) {
        this.calls = new SignedCall(SSM, http, credentials, region, endpoint, backoffBaseMillis);
    }

    /** The parameter's value, or empty if it does not exist. */
    @Override
    public Optional<String> get(String name) {
        // WithDecryption: a registry kept as a SecureString reads as its plaintext (a String
        // ignores it).
        byte[] body =
                JsonTree.bytes(JsonTree.object().put("Name", name).put("WithDecryption", true));
        String what = "SSM GetParameter " + name;
        SignedCall.Answer answer = calls.call("GetParameter", what, body, "parameter", name);
        if (answer.status() == 200) {
            JsonNode value = answer.body().path("Parameter").path("Value");
            if (!value.isTextual()) {
                throw new AwsCallFailedException(what + ": the answer has no Parameter.Value");
            }
            return Optional.of(value.asText());
        }
        if ("ParameterNotFound".equals(answer.errorType())) {
            return Optional.empty();
        }
        throw SignedCall.refused(what, answer);
    }

    /** The endpoint the SDK would use for SSM ({@link SignedCall#endpoint}). */
    static URI endpoint(Region region) {
        return SignedCall.endpoint(region, "ssm", "SSM", "Ssm");
    }

    static String errorCode(String type) {
        return SignedCall.errorCode(type);
    }
}
