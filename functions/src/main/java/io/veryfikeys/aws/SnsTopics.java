package io.veryfikeys.aws;

import io.veryfikeys.support.AwsCallFailedException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Publishes to an SNS topic: {@code Publish} in SNS's query protocol (a form-encoded request, an
 * XML answer) as a {@link SignedCall}, instead of the SDK's SNS client
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
public final class SnsTopics {
    static final SignedCall.Service SNS = SignedCall.Service.query("Sns", "sns");
    static final String API_VERSION = "2010-03-31";

    private final SignedCall calls;

    SnsTopics(SignedCall calls) {
        this.calls = calls;
    }

    /**
     * Publishes {@code message} with {@code subject} and string message attributes; returns SNS's
     * message id.
     *
     * @throws AwsCallFailedException when SNS refused it (no such topic, not allowed)
     */
    public String publish(
            String topicArn, String subject, String message, Map<String, String> attributes) {
        String what = "SNS Publish to " + topicArn;
        SignedCall.Answer answer =
                calls.call(
                        "Publish",
                        what,
                        form(topicArn, subject, message, attributes),
                        "topic",
                        topicArn);
        if (answer.status() != 200) {
            throw SignedCall.refused(what, answer);
        }
        return SignedCall.xmlElement(answer.xml(), "MessageId");
    }

    /**
     * The Publish request as the query protocol encodes it: {@code Action}, {@code Version}, the
     * members, and each attribute as {@code MessageAttributes.entry.N.Name / .Value.DataType /
     * .Value.StringValue}.
     */
    static byte[] form(
            String topicArn, String subject, String message, Map<String, String> attributes) {
        StringBuilder form = new StringBuilder("Action=Publish&Version=").append(API_VERSION);
        add(form, "TopicArn", topicArn);
        if (subject != null) {
            add(form, "Subject", subject);
        }
        add(form, "Message", message);
        int n = 0;
        for (Map.Entry<String, String> attribute : new java.util.TreeMap<>(attributes).entrySet()) {
            String entry = "MessageAttributes.entry." + ++n;
            add(form, entry + ".Name", attribute.getKey());
            add(form, entry + ".Value.DataType", "String");
            add(form, entry + ".Value.StringValue", attribute.getValue());
        }
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void add(StringBuilder form, String name, String value) {
        form.append('&')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
