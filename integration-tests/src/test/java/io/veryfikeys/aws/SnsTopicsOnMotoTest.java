package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SnsCapture;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SNS Publish as the functions make it without the SDK's SnsClient (query protocol, {@link
 * SnsTopics}), against moto over the wire, through the Lambda host's proxy: what a subscriber
 * receives (subject, message, the {@code result} attribute a subscription's filter policy matches
 * on), and what an error and a throttled answer do.
 */
@ExtendWith(LocalAwsStackExtension.class)
class SnsTopicsOnMotoTest {
    private static LocalAwsStack stack;

    @BeforeAll
    static void connect(LocalAwsStack localStack) {
        stack = localStack;
    }

    @AfterEach
    void restore() {
        stack.lambdaHost().clearAwsFaults();
    }

    private static String topic() {
        String name = "sns-topics-" + UUID.randomUUID();
        return stack.sns().createTopic(b -> b.name(name)).topicArn();
    }

    @Test
    void aSubscriberReceivesTheSubjectTheMessageAndTheResultAttribute() {
        String topic = topic();
        try (SnsCapture capture = stack.subscribeQueue(topic)) {
            String message =
                    "{\n  \"account\" : \"veryfi/acme\",\n  \"note\" : \"a+b & c=d üñí ✓\"\n}";
            String id =
                    AwsClients.sns()
                            .publish(
                                    topic,
                                    "Veryfi key rotated: veryfi/acme",
                                    message,
                                    Map.of("result", "KEY_ROTATED"));
            assertThat(id).isNotBlank();
            List<JsonNode> received = new ArrayList<>();
            await().until(() -> received.addAll(capture.envelopes()) || !received.isEmpty());
            JsonNode envelope = received.get(0);
            assertThat(envelope.path("MessageId").asText()).isEqualTo(id);
            assertThat(envelope.path("Subject").asText())
                    .isEqualTo("Veryfi key rotated: veryfi/acme");
            assertThat(envelope.path("Message").asText()).isEqualTo(message);
            assertThat(envelope.path("MessageAttributes").path("result").path("Type").asText())
                    .isEqualTo("String");
            assertThat(envelope.path("MessageAttributes").path("result").path("Value").asText())
                    .isEqualTo("KEY_ROTATED");
        }
    }

    @Test
    void aMissingTopicIsARefusalNamingTheTopic() {
        String missing =
                "arn:aws:sns:"
                        + stack.region().id()
                        + ":"
                        + stack.accountId()
                        + ":nobody-"
                        + UUID.randomUUID();
        assertThatThrownBy(() -> AwsClients.sns().publish(missing, "s", "m", Map.of()))
                .isInstanceOfSatisfying(
                        AwsCallFailedException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("NotFound"))
                .hasMessageContaining("SNS Publish to " + missing + " failed: NotFound");
    }

    @Test
    void throttlingIsRetriedAndAnOutageIsTheRetryableError() {
        String topic = topic();
        stack.lambdaHost().injectAwsFault("sns.Publish", 400, "Throttling", 2);
        assertThat(AwsClients.sns().publish(topic, "s", "m", Map.of())).isNotBlank();
        stack.lambdaHost().injectAwsFault("sns.Publish", 500, "InternalError", 3);
        assertThatThrownBy(() -> AwsClients.sns().publish(topic, "s", "m", Map.of()))
                .isInstanceOf(AwsUnavailableException.class)
                .hasMessageContaining("InternalError (HTTP 500)")
                .hasMessageContaining("after 3 attempts");
    }
}
