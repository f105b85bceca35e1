package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link EventBridgeEvents} puts on the wire and how it reads PutEvents' answers, against a
 * JDK HTTP server that answers as EventBridge does: 200 with {@code FailedEntryCount} even when the
 * entry was refused
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). The whole path
 * (the functions' events reaching a rule's target) is tested on the local stack ({@code
 * LifecycleEventsOnTheStackTest}).
 */
class EventBridgeEventsTest {
    private static final String EXEC =
            "arn:aws:states:eu-west-1:123456789012:execution:local-rotation:x";
    private HttpServer server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        Log.redirect(null);
    }

    private EventBridgeEvents answering(int status, String answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                    authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                    bodies.add(Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
                    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                    exchange.sendResponseHeaders(status, bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
        server.start();
        return new EventBridgeEvents(
                new UrlConnectionAwsTransport(
                        Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(7)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
                Region.EU_WEST_1,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                1);
    }

    @Test
    void oneEntryOnTheDefaultBusUnderTheStacksSourceWithTheExecutionAsItsResource()
            throws Exception {
        EventBridgeEvents events =
                answering(200, "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}");

        String id =
                events.put(
                        "veryfi-key-rotation.prod",
                        LifecycleEvent.keyCreated("veryfi/payroll", EXEC, 12, "v-2", "t"));

        assertThat(id).isEqualTo("e-1");
        assertThat(targets).containsExactly("AWSEvents.PutEvents");
        assertThat(authorizations.get(0)).contains("/eu-west-1/events/aws4_request");
        JsonNode entry = bodies.get(0).path("Entries");
        assertThat(entry.size()).isEqualTo(1);
        assertThat(entry.get(0).has("EventBusName")).as("the default bus").isFalse();
        assertThat(entry.get(0).path("Source").asText()).isEqualTo("veryfi-key-rotation.prod");
        assertThat(entry.get(0).path("DetailType").asText()).isEqualTo("Key Created");
        assertThat(entry.get(0).path("Resources").toString()).isEqualTo("[\"" + EXEC + "\"]");
        assertThat(
                        Json.MAPPER
                                .readTree(entry.get(0).path("Detail").asText())
                                .path("newKeyId")
                                .asLong())
                .isEqualTo(12);
    }

    @Test
    void aResetHasNoResourceAndARefusedEntryIsAnErrorThoughTheAnswerIs200() throws Exception {
        EventBridgeEvents events =
                answering(
                        200,
                        "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\","
                                + "\"ErrorMessage\":\"try again\"}]}");

        assertThatThrownBy(
                        () ->
                                events.put(
                                        "veryfi-key-rotation.prod",
                                        LifecycleEvent.resetFailed(
                                                "veryfi/payroll", "LOCKED_OUT", "t")))
                .isInstanceOf(AwsCallFailedException.class)
                .hasMessage(
                        "EventBridge PutEvents Reset Failed refused: InternalFailure: try again");
        assertThat(bodies.get(0).path("Entries").get(0).has("Resources")).isFalse();
    }

    @Test
    void theNotifierNeverFailsTheStepItLogsAndCountsWhatItCouldNotSend() throws Exception {
        EventBridgeEvents events =
                answering(
                        400,
                        "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform: events:PutEvents\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
        AwsNotifier notifier =
                new AwsNotifier(
                        () -> {
                            throw new AssertionError("no SNS here");
                        },
                        "arn:aws:sns:eu-west-1:123456789012:alerts",
                        "arn:aws:sns:eu-west-1:123456789012:rotated",
                        () -> events,
                        "veryfi-key-rotation.prod");

        notifier.lifecycle(LifecycleEvent.oldKeyDeleted("veryfi/payroll", EXEC, 11, 12, "t"));

        String logged = out.toString(StandardCharsets.UTF_8);
        assertThat(logged)
                .contains("\"event\":\"lifecycle.not_sent\"")
                .contains("\"type\":\"Old Key Deleted\"")
                .contains("AccessDeniedException")
                .contains("\"LifecycleEventsNotSent\":1");
    }
}
