package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.List;

/**
 * An EventBridge rule in moto on the default bus, matching one source, with an SQS queue as its
 * target: tests read the events the functions put as a rule's target receives them (the whole
 * event: {@code source}, {@code detail-type}, {@code resources}, {@code detail}). Each call to
 * {@link #events()} drains what has arrived since the last call.
 */
public final class EventCapture {
    private final SqsClient sqs;
    private final String queueUrl;

    EventCapture(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** The events that arrived since the last call, in arrival order; drains the queue. */
    public List<JsonNode> events() {
        return SnsCapture.drain(sqs, queueUrl);
    }
}
