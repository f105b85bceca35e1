package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Follows one rotation execution through its history: each state as it is entered, and what each
 * step reported (ids, poll counts, lagging consumers; never a key value, which the history does not
 * hold).
 */
public final class ExecutionFollower {

    /** What happened, in the order it happened. {@code detail} may be null. */
    public interface Listener {
        default void stateEntered(Instant at, String state) {}

        default void stepResult(Instant at, String state, String detail) {}

        /** Called between two reads of the history; {@code false} stops following. */
        default boolean tick() {
            return true;
        }
    }

    private final SfnClient sfn;
    private final Duration interval;

    public ExecutionFollower(SfnClient sfn, Duration interval) {
        this.sfn = sfn;
        this.interval = interval;
    }

    /**
     * Reads the history until the execution ends or {@code timeout} passes (null = no limit).
     * Returns the final status, or RUNNING on timeout.
     */
    public ExecutionStatus follow(String executionArn, Duration timeout, Listener listener)
            throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long seen = 0;
        String currentState = null;
        while (true) {
            ExecutionStatus status =
                    sfn.describeExecution(r -> r.executionArn(executionArn)).status();
            List<HistoryEvent> events = new ArrayList<>();
            for (var page :
                    sfn.getExecutionHistoryPaginator(
                            r -> r.executionArn(executionArn).maxResults(1000)))
                events.addAll(page.events());
            for (HistoryEvent e : events) {
                if (e.id() <= seen) continue;
                seen = e.id();
                if (e.stateEnteredEventDetails() != null) {
                    currentState = e.stateEnteredEventDetails().name();
                    listener.stateEntered(e.timestamp(), currentState);
                } else if (e.type() == HistoryEventType.TASK_SUCCEEDED
                        && e.taskSucceededEventDetails() != null) {
                    listener.stepResult(
                            e.timestamp(),
                            currentState,
                            describe(
                                    currentState,
                                    Executions.readJson(e.taskSucceededEventDetails().output())));
                } else if (e.lambdaFunctionSucceededEventDetails() != null) {
                    // A Task whose Resource is a function ARN (as in rotation.asl.json) reports
                    // Lambda events.
                    listener.stepResult(
                            e.timestamp(),
                            currentState,
                            describe(
                                    currentState,
                                    Executions.readJson(
                                            e.lambdaFunctionSucceededEventDetails().output())));
                } else if (e.type() == HistoryEventType.TASK_FAILED
                        && e.taskFailedEventDetails() != null) {
                    listener.stepResult(
                            e.timestamp(),
                            currentState,
                            "failed: " + e.taskFailedEventDetails().error());
                } else if (e.lambdaFunctionFailedEventDetails() != null) {
                    listener.stepResult(
                            e.timestamp(),
                            currentState,
                            "failed: " + e.lambdaFunctionFailedEventDetails().error());
                }
            }
            if (status != ExecutionStatus.RUNNING) return status;
            if (System.nanoTime() > deadline) return ExecutionStatus.RUNNING;
            if (!listener.tick()) return ExecutionStatus.RUNNING;
            Thread.sleep(interval.toMillis());
        }
    }

    /**
     * One line about a step's result. A Lambda task's result is wrapped in the Invoke response's
     * Payload.
     */
    static String describe(String state, JsonNode output) {
        JsonNode r = output.has("Payload") ? output.get("Payload") : output;
        if (state == null) return null;
        return switch (state) {
            case "Plan" ->
                    r.path("action").asText()
                            + ": "
                            + r.path("reason").asText("")
                            + (r.hasNonNull("currentKeyId")
                                            && !r.path("reason")
                                                    .asText("")
                                                    .contains(
                                                            "key " + r.get("currentKeyId").asLong())
                                    ? " (current key " + r.get("currentKeyId").asLong() + ")"
                                    : "");
            case "CreateKey" -> "new key " + r.path("newKeyId").asLong() + " stored as AWSPENDING";
            case "VerifyNewKey" -> "key " + r.path("keyId").asLong() + " accepted by Veryfi";
            case "Promote", "RevertPromotion" ->
                    "AWSCURRENT -> key "
                            + (state.equals("Promote")
                                    ? r.path("newKeyId").asLong()
                                            + ", AWSPREVIOUS key "
                                            + r.path("oldKeyId").asLong()
                                            + " (still live)"
                                    : r.path("oldKeyId").asLong() + " (reverted)");
            case "PollConsumers", "PollRollback" -> poll(r);
            case "DeleteOldKey", "DiscardRejectedKey", "DiscardRevertedKey" ->
                    r.hasNonNull("deletedKeyId")
                            ? "deleted key " + r.get("deletedKeyId").asLong() + " at Veryfi"
                            : null;
            default ->
                    state.startsWith("Report") && r.hasNonNull("result")
                            ? "published " + r.get("result").asText()
                            : null;
        };
    }

    private static String poll(JsonNode r) {
        String status = r.path("status").asText();
        StringBuilder s =
                new StringBuilder("poll ")
                        .append(r.path("polls").asInt())
                        .append(": ")
                        .append(status)
                        .append(", waited ")
                        .append(r.path("waitedSeconds").asLong())
                        .append(" s");
        if (r.path("consecutiveHealthy").asInt() > 0)
            s.append(", ").append(r.path("consecutiveHealthy").asInt()).append(" healthy in a row");
        if (r.path("lagging").isArray() && !r.path("lagging").isEmpty())
            s.append(", lagging: ").append(names(r.path("lagging")));
        if (r.path("unhealthy").isArray() && !r.path("unhealthy").isEmpty())
            s.append(", unhealthy: ").append(names(r.path("unhealthy")));
        return s.toString();
    }

    private static String names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream().collect(Collectors.joining(", "));
    }
}
