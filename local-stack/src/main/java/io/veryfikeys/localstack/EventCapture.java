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
public final class EventCapture implements AutoCloseable {
    private final SqsClient sqs;
    private final String queueUrl;
    private final Runnable release;

    EventCapture(SqsClient sqs, String queueUrl, Runnable release) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.release = release;
    }

    /**
     * Deletes the rule and its queue. Left behind, every later event of the source would still be
     * delivered to it: each test class's capture made moto's every PutEvents slower for the classes
     * after it.
     */
    @Override
    public void close() {
        release.run();
    }

    /** The events that arrived since the last call, in arrival order; drains the queue. */
    public List<JsonNode> events() {
        return SnsCapture.drain(sqs, queueUrl);
    }
}
