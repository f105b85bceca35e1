package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link SignedCall}, {@link JsonService} and {@link SnsTopics} do with what a server answers,
 * against a JDK HTTP server: the attempt and call bounds, the query protocol's XML, retries of a
 * throttled answer, pagination read only as far as asked. The services themselves (moto over the
 * wire) are in integration-tests: {@code AccountSecretsOnMotoTest}, {@code SnsTopicsOnMotoTest},
 * and every local-stack suite.
 */
class SignedCallTest {
    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(Function<Integer, Answer> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext(
                "/",
                exchange -> {
                    received.add(
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8));
                    answers.apply(received.size()).send(exchange);
                });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** An answer; {@code stallMillis > 0} sends half the body and then waits before the rest. */
    private record Answer(int status, String contentType, String body, long stallMillis) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/x-amz-json-1.1", body, 0);
        }

        static Answer xml(int status, String body) {
            return new Answer(status, "text/xml", body, 0);
        }

        void send(HttpExchange exchange) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (stallMillis > 0) {
                    out.write(bytes, 0, bytes.length / 2);
                    out.flush();
                    try {
                        Thread.sleep(stallMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
                } else {
                    out.write(bytes);
                }
            } catch (IOException e) {
                // the client hung up: what an aborted attempt does
            }
        }
    }

    /** {@code attempt}: the client's connect and read timeouts, each half of it. */
    private static SignedCall call(
            SignedCall.Service service, URI endpoint, Duration attempt, Duration bound) {
        return new SignedCall(
                service,
                new UrlConnectionAwsTransport(
                        attempt.dividedBy(2), attempt.dividedBy(2), attempt.dividedBy(2)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
                Region.US_EAST_1,
                endpoint,
                1,
                attempt,
                bound);
    }

    private static final SignedCall.Service JSON =
            SignedCall.Service.json("SecretsManager", "secretsmanager", "1.1", "secretsmanager.");

    @Test
    void anAnswerThatStopsComingEndsItsAttemptAndTheCallEndsWithinItsBound() throws Exception {
        URI endpoint =
                serve(n -> new Answer(200, "application/x-amz-json-1.1", "{\"a\":1}", 5_000));
        SignedCall call = call(JSON, endpoint, Duration.ofMillis(600), Duration.ofMillis(1_000));
        long started = System.nanoTime();
        assertThatThrownBy(() -> call.call("GetSecretValue", "GetSecretValue x", new byte[0]))
                .isInstanceOf(AwsUnavailableException.class)
                .hasMessageContaining("GetSecretValue x failed: IOException");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        // Each attempt's read times out after 300 ms. The second starts at 300 ms, as one more
        // attempt (600 ms at most) still ends within the 1 s bound; a third could not.
        assertThat(received).hasSize(2);
        assertThat(tookMillis).isBetween(550L, 1_000L);
    }

    @Test
    void aThrottledAnswerIsTriedAgainAndARefusalIsNot() throws Exception {
        URI endpoint =
                serve(
                        n ->
                                switch (n) {
                                    case 1 ->
                                            Answer.json(
                                                    400,
                                                    "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
                                    case 2 -> Answer.json(200, "{\"Name\":\"veryfi/a\"}");
                                    default ->
                                            Answer.json(
                                                    400,
                                                    "{\"__type\":\"AccessDeniedException\",\"Message\":\"not allowed\"}");
                                });
        JsonService service =
                new JsonService(call(JSON, endpoint, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        assertThat(service.call("GetSecretValue", "x", JsonService.request()).path("Name").asText())
                .isEqualTo("veryfi/a");
        assertThatThrownBy(
                        () ->
                                service.call(
                                        "GetSecretValue",
                                        "Secrets Manager GetSecretValue veryfi/a",
                                        JsonService.request()))
                .isInstanceOfSatisfying(
                        AwsCallFailedException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("AccessDeniedException"))
                .hasMessage(
                        "Secrets Manager GetSecretValue veryfi/a failed: AccessDeniedException"
                                + " (HTTP 400): not allowed");
        assertThat(received).hasSize(3);
    }

    @Test
    void aSuccessThatIsNotJsonIsTriedAgainNotReadAsEmpty() throws Exception {
        URI endpoint =
                serve(
                        n ->
                                n == 1
                                        ? Answer.json(
                                                200, "{\"SecretList\":[{\"Name\":\"veryfi/a\"")
                                        : Answer.json(
                                                200, "{\"SecretList\":[{\"Name\":\"veryfi/a\"}]}"));
        JsonService service =
                new JsonService(call(JSON, endpoint, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        assertThat(
                        service.call("ListSecrets", "x", JsonService.request())
                                .path("SecretList")
                                .size())
                .isEqualTo(1);
        assertThat(received).hasSize(2);
    }

    @Test
    void pagesAreAskedForOnlyAsFarAsTheyAreRead() throws Exception {
        URI endpoint =
                serve(
                        n ->
                                Answer.json(
                                        200,
                                        "{\"items\":[" + n + "],\"nextToken\":\"t" + n + "\"}"));
        JsonService service =
                new JsonService(call(JSON, endpoint, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        List<Integer> firstTwo =
                service.items("List", "x", JsonService.request().put("a", 1), "nextToken", "items")
                        .limit(2)
                        .map(JsonNode::asInt)
                        .toList();
        assertThat(firstTwo).containsExactly(1, 2);
        assertThat(received).containsExactly("{\"a\":1}", "{\"a\":1,\"nextToken\":\"t1\"}");
    }

    @Test
    void snsPublishIsAFormAndItsMessageIdAndErrorsAreReadFromTheXml() throws Exception {
        URI endpoint =
                serve(
                        n ->
                                n == 1
                                        ? Answer.xml(
                                                200,
                                                "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                                                        + "<PublishResult><MessageId>m-1</MessageId></PublishResult>"
                                                        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                                                        + "</PublishResponse>")
                                        : Answer.xml(
                                                404,
                                                "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
                                                        + "<Message>Topic does not exist &amp; never did</Message>"
                                                        + "</Error><RequestId>r</RequestId></ErrorResponse>"));
        SnsTopics topics =
                new SnsTopics(
                        call(
                                SnsTopics.SNS,
                                endpoint,
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(5)));
        String topic = "arn:aws:sns:us-east-1:123456789012:alerts";
        assertThat(
                        topics.publish(
                                topic,
                                "Rotation failed: veryfi/a",
                                "{\"a\": \"b&c\"}",
                                Map.of("result", "FAILED")))
                .isEqualTo("m-1");
        assertThat(form(received.get(0)))
                .containsExactly(
                        Map.entry("Action", "Publish"),
                        Map.entry("Version", "2010-03-31"),
                        Map.entry("TopicArn", topic),
                        Map.entry("Subject", "Rotation failed: veryfi/a"),
                        Map.entry("Message", "{\"a\": \"b&c\"}"),
                        Map.entry("MessageAttributes.entry.1.Name", "result"),
                        Map.entry("MessageAttributes.entry.1.Value.DataType", "String"),
                        Map.entry("MessageAttributes.entry.1.Value.StringValue", "FAILED"));
        assertThatThrownBy(() -> topics.publish(topic, "s", "m", Map.of()))
                .isInstanceOfSatisfying(
                        AwsCallFailedException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("NotFound"))
                .hasMessage(
                        "SNS Publish to "
                                + topic
                                + " failed: NotFound (HTTP 404): Topic does not exist & never did");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "<a><Code>NotFound</Code></a>|Code|NotFound",
                "<a><Message>x &lt;y&gt; &quot;z&quot; &apos;w&apos; &amp;amp;</Message></a>|Message|x <y> \"z\" 'w' &amp;",
                "<a><Code>NotFound</Code></a>|Message|",
                "<a><Code>unclosed</a>|Code|",
            })
    void xmlElementsAreReadAndUnescaped(String xml, String name, String expected) {
        assertThat(SignedCall.xmlElement(xml, name)).isEqualTo(expected);
    }
}
