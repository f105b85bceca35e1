package io.veryfikeys.support;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The two SNS topics: alerts (reports for people) and key-rotated events (for consumers that
 * refetch on push). Messages are built from ids and plain facts; nothing here ever sees a
 * {@link SecretValue}.
 */
public final class Notifications {
    private final Supplier<SnsClient> sns;
    private final String alertsTopicArn;
    private final String keyRotatedTopicArn;

    public Notifications(Supplier<SnsClient> sns, String alertsTopicArn, String keyRotatedTopicArn) {
        this.sns = sns;
        this.alertsTopicArn = alertsTopicArn;
        this.keyRotatedTopicArn = keyRotatedTopicArn;
    }

    public static Notifications fromEnvironment() {
        return new Notifications(AwsClients::sns, Env.require("ALERTS_TOPIC_ARN"), Env.require("KEY_ROTATED_TOPIC_ARN"));
    }

    /**
     * The {@code advice} member of an alert that tells the responder to reset the account by hand.
     * Set only where no stored key works: a reset kills the key in AWSCURRENT, so this advice on a
     * live key would lock its consumers out (the safety suite checks every alert for it).
     */
    public static final String ADVICE_RESET_ACCOUNT = "RESET_ACCOUNT";

    /** An alert or report: {@code result} is also a message attribute, so subscriptions can filter on it. */
    public String alert(String subject, String result, Map<String, Object> message) {
        return publish(alertsTopicArn, subject, result, message);
    }

    public String keyRotated(Map<String, Object> event) {
        return publish(keyRotatedTopicArn, "Veryfi key rotated", "KEY_ROTATED", event);
    }

    private String publish(String topicArn, String subject, String result, Map<String, Object> message) {
        String body;
        try {
            body = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(message);
        } catch (Exception e) {
            throw new IllegalStateException("could not serialize notification", e);
        }
        // SNS subjects: ASCII, no line breaks, at most 100 characters.
        String safeSubject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        String finalSubject = safeSubject.length() > 100 ? safeSubject.substring(0, 100) : safeSubject;
        return sns.get().publish(b -> b.topicArn(topicArn).subject(finalSubject).message(body)
                .messageAttributes(Map.of("result", MessageAttributeValue.builder()
                        .dataType("String").stringValue(result).build()))).messageId();
    }
}
