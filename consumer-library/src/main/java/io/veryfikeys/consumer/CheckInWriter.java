package io.veryfikeys.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes the consumer's check-in record (the stack's README, "Consumers") with one signed {@code
 * DynamoDB_20120810.PutItem}: the SDK's signer and the application's own AWS credentials, over the
 * JDK's HTTP client, so the library needs no DynamoDB client. The consumer's IAM policy lets it
 * write this one record and nothing else.
 */
final class CheckInWriter {
    /** How long DynamoDB keeps a record nobody renews (its TTL attribute). */
    static final Duration KEPT = Duration.ofDays(7);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String table;
    private final String record;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Region region;
    private final URI endpoint;
    private final HttpClient http;

    CheckInWriter(
            String table,
            String secretId,
            String consumer,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            HttpClient http) {
        this.table = table;
        this.record = secretId + "#" + consumer;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.http = http;
    }

    /**
     * The endpoint the SDK would use: {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL}
     * (or their system properties), else the region's.
     */
    static URI endpoint(Region region) {
        for (String name :
                new String[] {
                    "AWS_ENDPOINT_URL_DYNAMODB",
                    "aws.endpointUrlDynamoDb",
                    "AWS_ENDPOINT_URL",
                    "aws.endpointUrl"
                }) {
            String value = name.startsWith("aws.") ? System.getProperty(name) : System.getenv(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return URI.create("https://dynamodb." + region.id() + ".amazonaws.com");
    }

    /**
     * Records that this consumer uses {@code keyId} and whether its calls succeed.
     *
     * @throws IOException when DynamoDB did not take it (the message says what it answered)
     */
    void write(long keyId, boolean healthy, Instant now) throws IOException, InterruptedException {
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        ObjectNode request = JSON.createObjectNode().put("TableName", table);
        ObjectNode item = request.putObject("Item");
        item.putObject("consumer").put("S", record);
        item.putObject("kind").put("S", "check-in");
        item.putObject("keyId").put("N", Long.toString(keyId));
        item.putObject("healthy").put("BOOL", healthy);
        item.putObject("at").put("S", at.toString());
        item.putObject("expiresAt").put("N", Long.toString(at.plus(KEPT).getEpochSecond()));
        byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.POST)
                        .uri(endpoint)
                        .encodedPath(
                                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                                        ? "/"
                                        : endpoint.getRawPath())
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("X-Amz-Target", "DynamoDB_20120810.PutItem")
                        .build();
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SignedRequest signed =
                SIGNER.sign(
                        r ->
                                r.identity(identity)
                                        .request(unsigned)
                                        .payload(ContentStreamProvider.fromByteArray(body))
                                        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                                        .putProperty(
                                                AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb"));
        HttpRequest.Builder send =
                HttpRequest.newBuilder(signed.request().getUri())
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request()
                .forEachHeader(
                        (name, values) -> {
                            if (!name.equalsIgnoreCase("Host")
                                    && !name.equalsIgnoreCase("Content-Length")) {
                                values.forEach(v -> send.header(name, v));
                            }
                        });
        HttpResponse<String> answer = http.send(send.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException(
                    "check-in of "
                            + record
                            + " refused: HTTP "
                            + answer.statusCode()
                            + " "
                            + answer.body());
        }
    }
}
