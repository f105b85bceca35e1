package io.veryfikeys.aws;

import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.Json;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link Notifier} as deployed: the two SNS topics, alerts (reports for people) and key-rotated
 * events (for consumers that refetch on push).
 */
public final class SnsNotifier implements Notifier {
    private final Supplier<SnsClient> sns;
    private final String alertsTopicArn;
    private final String keyRotatedTopicArn;

    public SnsNotifier(Supplier<SnsClient> sns, String alertsTopicArn, String keyRotatedTopicArn) {
        this.sns = sns;
        this.alertsTopicArn = alertsTopicArn;
        this.keyRotatedTopicArn = keyRotatedTopicArn;
    }

    public static SnsNotifier fromEnvironment() {
        return new SnsNotifier(
                AwsClients::sns,
                Env.require("ALERTS_TOPIC_ARN"),
                Env.require("KEY_ROTATED_TOPIC_ARN"));
    }

    @Override
    public String alert(String subject, String result, Object message) {
        return publish(alertsTopicArn, subject, result, message);
    }

    @Override
    public String keyRotated(KeyRotated event) {
        return publish(keyRotatedTopicArn, "Veryfi key rotated", "KEY_ROTATED", event);
    }

    private String publish(String topicArn, String subject, String result, Object message) {
        String body;
        try {
            body = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(message);
        } catch (Exception e) {
            throw new IllegalStateException("could not serialize notification", e);
        }
        // SNS subjects: ASCII, no line breaks, at most 100 characters.
        String safeSubject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        String finalSubject =
                safeSubject.length() > 100 ? safeSubject.substring(0, 100) : safeSubject;
        return sns.get()
                .publish(
                        b ->
                                b.topicArn(topicArn)
                                        .subject(finalSubject)
                                        .message(body)
                                        .messageAttributes(
                                                Map.of(
                                                        "result",
                                                        MessageAttributeValue.builder()
                                                                .dataType("String")
                                                                .stringValue(result)
                                                                .build())))
                .messageId();
    }
}
