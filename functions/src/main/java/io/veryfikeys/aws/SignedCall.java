package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.Log;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One SigV4-signed call to an AWS JSON-protocol service, sent with the same signer, credentials and
 * HTTP client as the SDK clients in {@link AwsClients}: for the two services whose SDK clients are
 * too large to ship for the one or two calls made to them ({@link SsmParameters}, {@link
 * DynamoCheckIns}). What the SDK client would add is done here: the standard endpoint resolution
 * (service metadata for the region, the {@code AWS_ENDPOINT_URL_<SERVICE>} / {@code
 * AWS_ENDPOINT_URL} overrides and their {@code aws.endpointUrl*} system properties, FIPS and
 * dual-stack), retries with jitter on throttling, 5xx and I/O errors within the invocation's
 * deadline, one {@code aws.call} log line, and errors that say what was asked and what AWS
 * answered.
 */
final class SignedJsonCall {
    static final int MAX_ATTEMPTS = 3;
    private static final Set<String> THROTTLING =
            Set.of(
                    "ThrottlingException",
                    "Throttling",
                    "TooManyRequestsException",
                    "RequestLimitExceeded",
                    "RequestThrottledException",
                    "ProvisionedThroughputExceededException");
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Log log = Log.get(SignedJsonCall.class);

    /**
     * A service as the call needs it: its name in logs and endpoint variables ({@code Ssm}), its
     * signing name and endpoint id ({@code ssm}), its JSON protocol version and its target prefix.
     */
    record Service(String name, String signingName, String contentType, String targetPrefix) {}

    /**
     * What AWS answered: HTTP status (-1: no answer), error code, message, body (an empty object
     * when there was none).
     */
    record Answer(int status, String errorType, String message, JsonNode body, long wireNanos) {}

    private final Service service;
    private final SdkHttpClient http;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Region region;
    private final URI endpoint;
    private final long backoffBaseMillis;

    SignedJsonCall(
            Service service,
            SdkHttpClient http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis) {
        this.service = service;
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.backoffBaseMillis = backoffBaseMillis;
    }

    /**
     * Sends {@code operation} with {@code body}, retrying what may be retried. Returns AWS's
     * answer: 200, or an error that retrying would not change (the caller says what it means).
     * {@code what} names the call in errors ({@code SSM GetParameter /x}); {@code logged} adds
     * fields to the log line.
     *
     * @throws AwsUnavailableException when AWS did not answer usefully within the attempts or the
     *     invocation's time
     */
    Answer call(String operation, String what, byte[] body, Object... logged) {
        long started = System.nanoTime();
        long wire = 0;
        if (!InvocationDeadline.mayStart(AwsCallTimeouts.SIGNED_CALL_ATTEMPT)) {
            throw new AwsUnavailableException(
                    what
                            + " not sent: less than "
                            + AwsCallTimeouts.SIGNED_CALL_ATTEMPT.toSeconds()
                            + " s left before the function's timeout",
                    null);
        }
        for (int attempt = 1; ; attempt++) {
            Answer answer;
            long sent = System.nanoTime();
            try {
                answer = send(operation, body);
            } catch (IOException e) {
                answer =
                        new Answer(
                                -1,
                                "IOException",
                                e.getClass().getSimpleName(),
                                Json.MAPPER.createObjectNode(),
                                System.nanoTime() - sent);
            }
            wire += answer.wireNanos();
            boolean retryable =
                    answer.status() < 0
                            || answer.status() >= 500
                            || answer.status() == 429
                            || (answer.errorType() != null
                                    && THROTTLING.contains(answer.errorType()));
            if ((answer.status() == 200 || !retryable || attempt == MAX_ATTEMPTS)
                    && !Priming.active()) {
                List<Object> fields = new ArrayList<>(List.of(logged));
                fields.addAll(
                        List.of(
                                "status",
                                answer.status(),
                                "outcome",
                                answer.status() == 200 ? "ok" : answer.errorType(),
                                "attempts",
                                attempt,
                                "durationMs",
                                (System.nanoTime() - started) / 1_000_000,
                                "wireMs",
                                wire / 1_000_000));
                fields.addAll(0, List.of("service", service.name(), "operation", operation));
                log.info("aws.call", fields.toArray());
            }
            if (answer.status() == 200 || !retryable) {
                return answer;
            }
            String failed = failure(what, answer);
            if (attempt == MAX_ATTEMPTS) {
                throw new AwsUnavailableException(
                        failed + ", after " + attempt + " attempts", null);
            }
            long delay =
                    ThreadLocalRandom.current().nextLong(backoffBaseMillis << (attempt - 1)) + 1;
            if (!InvocationDeadline.allows(AwsCallTimeouts.SIGNED_CALL_ATTEMPT.plusMillis(delay))) {
                throw new AwsUnavailableException(
                        failed
                                + ", after "
                                + attempt
                                + " attempts (no time left in this"
                                + " invocation for another)",
                        null);
            }
            sleep(delay, what);
        }
    }

    /** {@code <what> failed: <error> (HTTP <status>): <message>}. */
    static String failure(String what, Answer answer) {
        return what
                + " failed: "
                + answer.errorType()
                + (answer.status() > 0 ? " (HTTP " + answer.status() + ")" : "")
                + (answer.message() == null ? "" : ": " + answer.message());
    }

    private Answer send(String operation, byte[] body) throws IOException {
        SdkHttpRequest request =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.POST)
                        .uri(endpoint)
                        .encodedPath(
                                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                                        ? "/"
                                        : endpoint.getRawPath())
                        .putHeader("Content-Type", service.contentType())
                        .putHeader("X-Amz-Target", service.targetPrefix() + operation)
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
                                        .putProperty(
                                                AwsV4HttpSigner.SERVICE_SIGNING_NAME,
                                                service.signingName()));
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
     * The endpoint the SDK would use for the service: a configured override (service-specific
     * first, then the global one; environment, then system property), else the region's endpoint
     * from the SDK's service metadata, with the FIPS / dual-stack variant when Lambda's environment
     * asks.
     *
     * @param envName the service's part of the override variables ({@code SSM}, {@code DYNAMODB})
     * @param propertyName the same in the system properties ({@code Ssm}, {@code DynamoDb})
     */
    static URI endpoint(Region region, String endpointId, String envName, String propertyName) {
        for (String name :
                new String[] {
                    "AWS_ENDPOINT_URL_" + envName,
                    "aws.endpointUrl" + propertyName,
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
        return URI.create("https://" + ServiceMetadata.of(endpointId).endpointFor(key));
    }

    private static boolean flag(String env, String property) {
        String value = System.getenv(env);
        return Boolean.parseBoolean(
                value != null ? value.trim() : System.getProperty(property, "false").trim());
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsUnavailableException("interrupted while waiting to retry " + what, e);
        }
    }
}
