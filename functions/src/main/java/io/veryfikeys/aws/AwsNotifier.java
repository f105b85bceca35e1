package io.veryfikeys.aws;

import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link Notifier} as deployed: the two SNS topics, alerts (reports for people) and key-rotated
 * events (for consumers that refetch on push), and lifecycle events on the account's default
 * EventBridge bus under the stack's own source ({@code EVENT_SOURCE}).
 */
public final class AwsNotifier implements Notifier {
    private static final Log LOG = Log.get(AwsNotifier.class);

    private final Supplier<SnsTopics> sns;
    private final String alertsTopicArn;
    private final String keyRotatedTopicArn;
    private final Supplier<EventBridgeEvents> events;
    private final String eventSource;

    public AwsNotifier(
            Supplier<SnsTopics> sns,
            String alertsTopicArn,
            String keyRotatedTopicArn,
            Supplier<EventBridgeEvents> events,
            String eventSource) {
        this.sns = sns;
        this.alertsTopicArn = alertsTopicArn;
        this.keyRotatedTopicArn = keyRotatedTopicArn;
        this.events = events;
        this.eventSource = eventSource;
    }

    public static AwsNotifier fromEnvironment() {
        return new AwsNotifier(
                AwsClients::sns,
                Env.require("ALERTS_TOPIC_ARN"),
                Env.require("KEY_ROTATED_TOPIC_ARN"),
                AwsClients::events,
                Env.get("EVENT_SOURCE", null));
    }

    @Override
    public String alert(String subject, String result, Object message) {
        return publish(alertsTopicArn, subject, result, message);
    }

    @Override
    public String keyRotated(KeyRotated event) {
        return publish(keyRotatedTopicArn, "Veryfi key rotated", "KEY_ROTATED", event);
    }

    /**
     * Best effort, by design: the event reports a change already made (a key created, stored,
     * deleted), so failing the step now would only make Step Functions repeat work that is done.
     * What was not sent is logged (type and error, never the detail's values beyond ids) and
     * counted ({@code LifecycleEventsNotSent}, alarmed in the template).
     */
    @Override
    public void lifecycle(LifecycleEvent event) {
        if (eventSource == null || eventSource.isBlank()) {
            notSent(event, "no EVENT_SOURCE", null);
            return;
        }
        try {
            String eventId = events.get().put(eventSource, event);
            LOG.info("lifecycle.sent", "type", event.type().detailType(), "eventId", eventId);
        } catch (RuntimeException e) {
            notSent(event, e.getClass().getSimpleName(), e.getMessage());
        }
    }

    private static void notSent(LifecycleEvent event, String error, String message) {
        LOG.warn(
                "lifecycle.not_sent",
                "type",
                event.type().detailType(),
                "error",
                error,
                "message",
                message);
        Metrics.put(Metric.LIFECYCLE_EVENTS_NOT_SENT, 1, null);
    }

    private String publish(String topicArn, String subject, String result, Object message) {
        String body;
        try {
            body = JsonRecords.prettyText(message);
        } catch (Exception e) {
            throw new IllegalStateException("could not serialize notification", e);
        }
        // SNS subjects: ASCII, no line breaks, at most 100 characters.
        String safeSubject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        String finalSubject =
                safeSubject.length() > 100 ? safeSubject.substring(0, 100) : safeSubject;
        // The result attribute is what a subscription's filter policy matches; a message without
        // one still goes out.
        return sns.get()
                .publish(
                        topicArn,
                        finalSubject,
                        body,
                        result == null ? Map.of() : Map.of("result", result));
    }
}
