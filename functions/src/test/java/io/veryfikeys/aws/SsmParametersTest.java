package io.veryfikeys.aws;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link SsmParameters} puts on the wire, checked by a JDK HTTP server the way SSM checks it:
 * the JSON 1.1 target and body, and a SigV4 signature that must still verify over the request as
 * received (re-signed from the received method, path, signed headers and body at its own {@code
 * X-Amz-Date}). The behaviour against the service protocol (values, not found, retries) is tested
 * on moto in integration-tests ({@code SsmParametersOnMotoTest}).
 */
class SsmParametersTest {
    private HttpServer server;

    record Received(String method, String path, Map<String, String> headers, byte[] body) {}

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        System.clearProperty("aws.endpointUrl");
        System.clearProperty("aws.endpointUrlSsm");
        System.clearProperty("aws.useFipsEndpoint");
    }

    @Test
    void theRequestIsAGetParameterSignedForSsmThatVerifiesAsReceived() throws Exception {
        AtomicReference<Received> received = new AtomicReference<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
                    received.set(
                            new Received(
                                    exchange.getRequestMethod(),
                                    exchange.getRequestURI().getRawPath(),
                                    headers,
                                    exchange.getRequestBody().readAllBytes()));
                    byte[] answer =
                            "{\"Parameter\":{\"Name\":\"/p\",\"Type\":\"String\",\"Value\":\"{\\\"consumers\\\":[]}\",\"Version\":1}}"
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                    exchange.close();
                });
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        AwsSessionCredentials credentials =
                AwsSessionCredentials.create(
                        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "session-token");
        SsmParameters ssm =
                new SsmParameters(
                        new UrlConnectionAwsTransport(
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(4),
                                Duration.ofSeconds(7)),
                        StaticCredentialsProvider.create(credentials),
                        Region.EU_WEST_1,
                        endpoint,
                        1);

        assertThat(ssm.get("/veryfi-key-rotation/consumers/veryfi/payroll"))
                .contains("{\"consumers\":[]}");

        Received r = received.get();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/");
        assertThat(r.headers())
                .containsEntry("X-Amz-Target", "AmazonSSM.GetParameter")
                .containsEntry("Content-Type", "application/x-amz-json-1.1")
                .containsEntry("X-Amz-Security-Token", "session-token");
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"Name\":\"/veryfi-key-rotation/consumers/veryfi/payroll\",\"WithDecryption\":true}");
        String authorization = r.headers().get("Authorization");
        assertThat(authorization)
                .matches(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/ssm/aws4_request, "
                                + "SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}");
        List<String> signed =
                Arrays.asList(
                        authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1").split(";"));
        assertThat(signed)
                .contains(
                        "host",
                        "x-amz-date",
                        "x-amz-target",
                        "content-type",
                        "x-amz-security-token");

        // Verify as the service would: sign what arrived, at the time it says it was signed.
        SdkHttpRequest.Builder asReceived =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.POST)
                        .uri(endpoint)
                        .encodedPath(r.path());
        signed.forEach(h -> asReceived.putHeader(h, r.headers().get(h)));
        ZonedDateTime signedAt =
                ZonedDateTime.parse(
                        r.headers().get("X-Amz-Date"),
                        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"));
        String expected =
                AwsV4HttpSigner.create()
                        .sign(
                                s ->
                                        s.identity(credentials)
                                                .request(asReceived.build())
                                                .payload(
                                                        ContentStreamProvider.fromByteArray(
                                                                r.body()))
                                                .putProperty(
                                                        AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                                                .putProperty(
                                                        AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                                                .putProperty(
                                                        HttpSigner.SIGNING_CLOCK,
                                                        Clock.fixed(
                                                                signedAt.toInstant(),
                                                                ZoneOffset.UTC)))
                        .request()
                        .firstMatchingHeader("Authorization")
                        .orElseThrow();
        assertThat(authorization).isEqualTo(expected);
    }

    @Test
    void theEndpointIsTheSdksForTheRegionUnlessOverridden() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("AWS_ENDPOINT_URL") == null
                        && System.getenv("AWS_ENDPOINT_URL_SSM") == null
                        && System.getenv("AWS_USE_FIPS_ENDPOINT") == null,
                "this JVM's environment overrides the endpoint");
        assertThat(SsmParameters.endpoint(Region.US_EAST_1))
                .hasToString("https://ssm.us-east-1.amazonaws.com");
        assertThat(SsmParameters.endpoint(Region.CN_NORTH_1))
                .hasToString("https://ssm.cn-north-1.amazonaws.com.cn");
        System.setProperty("aws.useFipsEndpoint", "true");
        assertThat(SsmParameters.endpoint(Region.US_EAST_1))
                .hasToString("https://ssm-fips.us-east-1.amazonaws.com");
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:4566");
        assertThat(SsmParameters.endpoint(Region.US_EAST_1)).hasToString("http://127.0.0.1:4566");
        System.setProperty("aws.endpointUrlSsm", "http://127.0.0.1:9999");
        assertThat(SsmParameters.endpoint(Region.US_EAST_1)).hasToString("http://127.0.0.1:9999");
    }

    @Test
    void errorTypesAreReducedToTheirCode() {
        assertThat(SsmParameters.errorCode("ParameterNotFound")).isEqualTo("ParameterNotFound");
        assertThat(SsmParameters.errorCode("com.amazonaws.ssm#ParameterNotFound"))
                .isEqualTo("ParameterNotFound");
        assertThat(
                        SsmParameters.errorCode(
                                "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"))
                .isEqualTo("AccessDeniedException");
    }
}
