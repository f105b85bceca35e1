package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An SQS queue in moto subscribed to an SNS topic, so tests read published messages back over the
 * real protocol. Each call to {@link #messages()} drains what has arrived since the last call.
 */
public final class SnsCapture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SqsClient sqs;
    private final String topicArn;
    private final String queueUrl;
    private final String subscriptionArn;
    private final Runnable release;

    SnsCapture(
            SqsClient sqs,
            String topicArn,
            String queueUrl,
            String subscriptionArn,
            Runnable release) {
        this.sqs = sqs;
        this.topicArn = topicArn;
        this.queueUrl = queueUrl;
        this.subscriptionArn = subscriptionArn;
        this.release = release;
    }

    /**
     * Unsubscribes the queue and deletes it. Left behind, every later message on the topic would
     * still be delivered to it: each test class's capture made moto's every Publish slower for the
     * classes after it.
     */
    @Override
    public void close() {
        release.run();
    }

    public String topicArn() {
        return topicArn;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String subscriptionArn() {
        return subscriptionArn;
    }

    /**
     * The SNS envelopes (JSON: Message, Subject, MessageAttributes...) that have arrived; drains
     * the queue.
     */
    public List<JsonNode> envelopes() {
        return drain(sqs, queueUrl);
    }

    /** Every message on the queue, each body read as JSON; deletes what it read. */
    static List<JsonNode> drain(SqsClient sqs, String queueUrl) {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            List<Message> batch =
                    sqs.receiveMessage(
                                    r ->
                                            r.queueUrl(queueUrl)
                                                    .maxNumberOfMessages(10)
                                                    .waitTimeSeconds(0))
                            .messages();
            if (batch.isEmpty()) return out;
            List<software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry> read =
                    new ArrayList<>();
            for (Message m : batch) {
                try {
                    out.add(JSON.readTree(m.body()));
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON: " + m.body(), e);
                }
                read.add(
                        software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry
                                .builder()
                                .id(Integer.toString(read.size()))
                                .receiptHandle(m.receiptHandle())
                                .build());
            }
            // one call for the batch: the suites poll these queues from many threads at once
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(read));
        }
    }

    /** The published message bodies that have arrived; drains the queue. */
    public List<String> messages() {
        List<String> out = new ArrayList<>();
        for (JsonNode env : envelopes()) out.add(env.path("Message").asText());
        return out;
    }

    /**
     * Waits until at least {@code count} messages have arrived (or the timeout passes) and returns
     * them all.
     */
    public List<String> awaitMessages(int count, Duration timeout) {
        List<String> out = new ArrayList<>(messages());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            out.addAll(messages());
        }
        return out;
    }
}
