package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Parameters;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.EndpointTag;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceEndpointKey;
import software.amazon.awssdk.regions.ServiceMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads one SSM parameter: a SigV4-signed {@code AmazonSSM.GetParameter} (JSON 1.1 protocol) sent
 * with the same signer, credentials and HTTP client as the SDK clients in {@link AwsClients}.
 *
 * <p>Why not the SDK's {@code SsmClient}: its jar is 6 MB, 40% of the deployable, for this one
 * call, and every function ships it (issue 7). The request is small and fixed; what the SDK client
 * would add is done here: the standard endpoint resolution (service metadata for the region, the
 * {@code AWS_ENDPOINT_URL_SSM} / {@code AWS_ENDPOINT_URL} overrides and their {@code
 * aws.endpointUrl*} system properties, FIPS and dual-stack), retries with jitter on throttling, 5xx
 * and I/O errors, and errors that say which parameter and what AWS answered.
 */
public final class SsmParameters implements Parameters {
    static final int MAX_ATTEMPTS = 3;
    private static final String TARGET = "AmazonSSM.GetParameter";
    private static final Set<String> THROTTLING =
            Set.of(
                    "ThrottlingException",
                    "Throttling",
                    "TooManyRequestsException",
                    "RequestLimitExceeded",
                    "RequestThrottledException");
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Log log = Log.get(SsmParameters.class);

    private final SdkHttpClient http;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Region region;
    private final URI endpoint;
    private final long backoffBaseMillis;

    public SsmParameters(
            SdkHttpClient http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region) {
        this(http, credentials, region, endpoint(region), 100);
    }

    SsmParameters(
            SdkHttpClient http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.backoffBaseMillis = backoffBaseMillis;
    }

    /** The parameter's value, or empty if it does not exist. */
    @Override
    public Optional<String> get(String name) {
        // WithDecryption: a registry kept as a SecureString reads as its plaintext (a String
        // ignores it).
        byte[] body =
                Json.MAPPER
                        .createObjectNode()
                        .put("Name", name)
                        .put("WithDecryption", true)
                        .toString()
                        .getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        long wire = 0;
        if (!InvocationDeadline.mayStart(AwsCallTimeouts.SSM_ATTEMPT)) {
            throw new AwsUnavailableException(
                    "SSM GetParameter "
                            + name
                            + " not sent: less than "
                            + AwsCallTimeouts.SSM_ATTEMPT.toSeconds()
                            + " s left before the function's timeout",
                    null);
        }
        for (int attempt = 1; ; attempt++) {
            Answer answer;
            long sent = System.nanoTime();
            try {
                answer = send(body);
            } catch (IOException e) {
                answer =
                        new Answer(
                                -1,
                                "IOException",
                                e.getClass().getSimpleName(),
                                null,
                                System.nanoTime() - sent);
            }
            wire += answer.wireNanos;
            boolean retryable =
                    answer.status < 0
                            || answer.status >= 500
                            || answer.status == 429
                            || (answer.errorType != null && THROTTLING.contains(answer.errorType));
            if ((answer.status == 200 || !retryable || attempt == MAX_ATTEMPTS)
                    && !Priming.active()) {
                log.info(
                        "aws.call",
                        "service",
                        "Ssm",
                        "operation",
                        "GetParameter",
                        "parameter",
                        name,
                        "status",
                        answer.status,
                        "outcome",
                        answer.status == 200 ? "ok" : answer.errorType,
                        "attempts",
                        attempt,
                        "durationMs",
                        (System.nanoTime() - started) / 1_000_000,
                        "wireMs",
                        wire / 1_000_000);
            }
            if (answer.status == 200) {
                JsonNode value = answer.body.path("Parameter").path("Value");
                if (!value.isTextual()) {
                    throw new AwsCallFailedException(
                            "SSM GetParameter " + name + ": the answer has no Parameter.Value");
                }
                return Optional.of(value.asText());
            }
            if ("ParameterNotFound".equals(answer.errorType)) {
                return Optional.empty();
            }
            String what =
                    "SSM GetParameter "
                            + name
                            + " failed: "
                            + answer.errorType
                            + (answer.status > 0 ? " (HTTP " + answer.status + ")" : "")
                            + (answer.message == null ? "" : ": " + answer.message);
            if (!retryable) {
                throw new AwsCallFailedException(what);
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new AwsUnavailableException(what + ", after " + attempt + " attempts", null);
            }
            long delay =
                    ThreadLocalRandom.current().nextLong(backoffBaseMillis << (attempt - 1)) + 1;
            if (!InvocationDeadline.allows(AwsCallTimeouts.SSM_ATTEMPT.plusMillis(delay))) {
                throw new AwsUnavailableException(
                        what
                                + ", after "
                                + attempt
                                + " attempts (no time left in this"
                                + " invocation for another)",
                        null);
            }
            sleep(delay);
        }
    }

    private record Answer(
            int status, String errorType, String message, JsonNode body, long wireNanos) {}

    private Answer send(byte[] body) throws IOException {
        SdkHttpRequest request =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.POST)
                        .uri(endpoint)
                        .encodedPath(
                                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                                        ? "/"
                                        : endpoint.getRawPath())
                        .putHeader("Content-Type", "application/x-amz-json-1.1")
                        .putHeader("X-Amz-Target", TARGET)
                        .putHeader("Content-Length", Integer.toString(body.length))
                        .putHeader("User-Agent", "veryfi-key-rotation")
                        .build();
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SignedRequest signed =
                SIGNER.sign(
                        r ->
                                r.identity(identity)
                                        .request(request)
                                        .payload(ContentStreamProvider.fromByteArray(body))
                                        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm"));
        long sent = System.nanoTime();
        HttpExecuteResponse response =
                http.prepareRequest(
                                HttpExecuteRequest.builder()
                                        .request(signed.request())
                                        .contentStreamProvider(signed.payload().orElse(null))
                                        .build())
                        .call();
        int status = response.httpResponse().statusCode();
        byte[] bytes;
        try (InputStream in =
                response.responseBody()
                        .map(s -> (InputStream) s)
                        .orElse(InputStream.nullInputStream())) {
            bytes = in.readNBytes(1 << 20);
        }
        long wireNanos = System.nanoTime() - sent;
        JsonNode json = parse(bytes);
        if (status == 200) {
            return new Answer(status, null, null, json, wireNanos);
        }
        String type =
                response.httpResponse()
                        .firstMatchingHeader("x-amzn-ErrorType")
                        .orElse(json.path("__type").asText("HTTP" + status));
        JsonNode message = json.has("message") ? json.get("message") : json.get("Message");
        return new Answer(
                status,
                errorCode(type),
                message == null ? null : message.asText(),
                json,
                wireNanos);
    }

    /** {@code com.amazonaws.ssm#ParameterNotFound:http://...} → {@code ParameterNotFound}. */
    static String errorCode(String type) {
        String code = type.substring(type.lastIndexOf('#') + 1);
        int colon = code.indexOf(':');
        return colon < 0 ? code : code.substring(0, colon);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = bytes.length == 0 ? null : Json.MAPPER.readTree(bytes);
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /**
     * The endpoint the SDK would use for SSM: a configured override (service-specific first, then
     * the global one; environment, then system property), else the region's endpoint from the SDK's
     * service metadata, with the FIPS / dual-stack variant when Lambda's environment asks.
     */
    static URI endpoint(Region region) {
        for (String name :
                new String[] {
                    "AWS_ENDPOINT_URL_SSM",
                    "aws.endpointUrlSsm",
                    "AWS_ENDPOINT_URL",
                    "aws.endpointUrl"
                }) {
            String value = name.startsWith("aws.") ? System.getProperty(name) : System.getenv(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        List<EndpointTag> tags = new ArrayList<>();
        if (flag("AWS_USE_FIPS_ENDPOINT", "aws.useFipsEndpoint")) {
            tags.add(EndpointTag.FIPS);
        }
        if (flag("AWS_USE_DUALSTACK_ENDPOINT", "aws.useDualstackEndpoint")) {
            tags.add(EndpointTag.DUALSTACK);
        }
        ServiceEndpointKey key = ServiceEndpointKey.builder().region(region).tags(tags).build();
        return URI.create("https://" + ServiceMetadata.of("ssm").endpointFor(key));
    }

    private static boolean flag(String env, String property) {
        String value = System.getenv(env);
        return Boolean.parseBoolean(
                value != null ? value.trim() : System.getProperty(property, "false").trim());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsUnavailableException(
                    "interrupted while waiting to retry SSM GetParameter", e);
        }
    }
}
