package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last word of every execution, good or bad, published to the alerts topic: which account, what
 * happened, at which step, with which error, in which execution, and which key ids.
 */
public final class RotationReport {
    private static final Log LOG = Log.get(RotationReport.class);

    private final Notifier notifications;
    private final Clock clock;

    public RotationReport(Notifier notifications, Clock clock) {
        this.notifications = notifications;
        this.clock = clock;
    }

    /**
     * {@code startedAt}: the execution's start ({@code $$.Execution.StartTime}), for the rotation's
     * duration; absent in executions started before it was passed.
     */
    public record Request(
            Outcome outcome, String executionId, RotationState state, String startedAt) {
        public Request(Outcome outcome, String executionId, RotationState state) {
            this(outcome, executionId, state, null);
        }
    }

    /**
     * The report on the alerts topic: ids, outcomes and advice, never a key value. A member that
     * does not apply (no error, no poll yet) is left out. {@code advice} is {@link
     * Notifier#ADVICE_RESET_ACCOUNT} only when AWSCURRENT's key is dead.
     */
    public record Message(
            String account,
            Outcome result,
            String summary,
            String step,
            String error,
            String cause,
            String executionId,
            PlanAction plan,
            String reason,
            String advice,
            Long oldKeyId,
            Long newKeyId,
            List<String> consumersLagging,
            List<String> consumersUnhealthy,
            List<String> consumersVerified,
            Integer polls,
            Long waitedSeconds,
            String time)
            implements JsonRecords.OmitsNulls {}

    public Map<String, Object> publish(Request request) {
        RotationState state = request.state() == null ? emptyState() : request.state();
        Outcome requested = request.outcome() == null ? Outcome.FAILED : request.outcome();
        String errorName = state.error() == null ? null : state.error().path("Error").asText(null);
        Verdict verdict = requested == Outcome.FAILED ? verdict(errorName) : null;
        // A failure caused by configuration is BLOCKED (the state machine ends in
        // BlockedByConfiguration).
        Outcome outcome = verdict == null ? requested : verdict.result();
        String account = state.plan() != null ? state.plan().secretId() : state.secretId();
        Log.context("account", account);
        Log.context("executionId", request.executionId());
        Plan plan = state.plan();
        Rollout rollout = state.currentRollout();
        PollState poll =
                state.revert() != null && state.revertPoll() != null
                        ? state.revertPoll()
                        : state.poll();
        boolean deadKey =
                plan != null
                        && plan.action() == PlanAction.BLOCKED
                        && plan.reason() != null
                        && plan.reason().startsWith(PlanGates.DEAD_CURRENT_KEY);
        Message message =
                new Message(
                        account,
                        outcome,
                        verdict == null
                                ? summary(outcome, state)
                                : "Rotation stopped at step "
                                        + stepOf(state)
                                        + ". "
                                        + verdict.advice(),
                        stepOf(state),
                        state.error() == null ? null : state.error().path("Error").asText(null),
                        state.error() == null ? null : causeOf(state.error()),
                        request.executionId(),
                        plan == null ? null : plan.action(),
                        plan == null ? null : plan.reason(),
                        deadKey ? Notifier.ADVICE_RESET_ACCOUNT : null,
                        rollout != null
                                ? Long.valueOf(rollout.oldKeyId())
                                : plan == null ? null : plan.currentKeyId(),
                        rollout != null
                                ? Long.valueOf(rollout.newKeyId())
                                : state.created() == null ? null : state.created().newKeyId(),
                        poll == null ? null : poll.lagging(),
                        poll == null ? null : poll.unhealthy(),
                        poll == null ? null : poll.verified(),
                        poll == null ? null : poll.polls(),
                        poll == null ? null : poll.waitedSeconds(),
                        clock.instant().toString());
        // The event before the alert: it is best effort and cannot fail the report, and an
        // outcome that is true stays announced even while the alerts topic refuses.
        LifecycleEvent.Type ending = endingEvent(outcome);
        if (ending != null) {
            notifications.lifecycle(
                    LifecycleEvent.rotationEnded(
                            ending,
                            account,
                            request.executionId(),
                            outcome.name(),
                            message.step(),
                            message.error(),
                            message.oldKeyId(),
                            message.newKeyId(),
                            message.time()));
        }
        String subject = "Veryfi key rotation " + outcome + ": " + account;
        String messageId = notifications.alert(subject, outcome.name(), message);
        LOG.info("report.published", "result", outcome, "messageId", messageId);
        Metrics.put(Metric.ROTATIONS, 1, account, outcome.name());
        Instant started = startedAt(request.startedAt());
        if (started != null) {
            Metrics.put(
                    Metric.ROTATION_DURATION,
                    Math.max(0, Duration.between(started, clock.instant()).toMillis()) / 1000.0,
                    account);
        }
        if (poll != null) {
            Metrics.put(Metric.POLL_ITERATIONS, poll.polls(), account);
        }
        return Map.of("result", outcome, "messageId", messageId);
    }

    /**
     * The lifecycle event that ends an execution with {@code outcome}: Blocked where people must
     * act before it can go on (configuration, lagging consumers), Reverted where the old key is
     * back and the new one gone, Failed where keys may need a look. None for ALREADY_RUNNING: the
     * execution already running sends its own.
     */
    static LifecycleEvent.Type endingEvent(Outcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> LifecycleEvent.Type.ROTATION_SUCCEEDED;
            case BLOCKED, CONSUMERS_LAGGING -> LifecycleEvent.Type.ROTATION_BLOCKED;
            case REVERTED, NEW_KEY_REJECTED -> LifecycleEvent.Type.ROTATION_REVERTED;
            case REVERT_INCOMPLETE, FAILED -> LifecycleEvent.Type.ROTATION_FAILED;
            case ALREADY_RUNNING -> null;
        };
    }

    /** The execution's start time, or null when absent or unreadable (no metric then). */
    static Instant startedAt(String text) {
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** What a failed step means for the person who reads the alert: the result, and what to do. */
    record Verdict(Outcome result, String advice) {}

    private static final String RERUN =
            "A transient failure outlasted the retries. Keys are left as the step found"
                    + " them; running the rotation again resumes safely.";

    /**
     * What each known failure means, one row each: the exception classes or Step Functions errors,
     * the outcome, and the advice ({@code RERUN}: a transient failure). A table of prose rather
     * than a switch, so that a row reads as one line. StateMachineContractTest checks that every
     * name here is a class that exists or an error the state machine can raise.
     */
    private static final Map<String, Verdict> VERDICTS =
            verdicts(
                    """
            io.veryfikeys.secrets.InvalidSecretException io.veryfikeys.secrets.SecretNotFoundException | BLOCKED | The account's secret is missing or malformed (see cause: it names the field). Fix the secret, then run the rotation again; run as it is, it fails the same way.
            io.veryfikeys.consumers.InvalidConsumerRegistryException | BLOCKED | The consumer registry is missing or malformed (see cause: it names the parameter and entry). Fix it, then run the rotation again.
            io.veryfikeys.support.InvalidInputException | BLOCKED | The rotation's input or settings are invalid (see cause: it names the field). Correct them, then start the rotation again.
            io.veryfikeys.rotation.UnknownKeyException | BLOCKED | A key this rotation did not create holds Veryfi's second key slot, so no new key can be made; nothing was deleted (see cause for its id). Store that key in the secret or delete it at Veryfi, then run the rotation again.
            io.veryfikeys.veryfi.VeryfiForbiddenException | BLOCKED | Veryfi answered 403 (not allowed): the key is valid but may not manage keys. Do not reset; check the account's API access at Veryfi, then run the rotation again.
            io.veryfikeys.veryfi.VeryfiAuthException | FAILED | Veryfi answered 401: a stored key is dead or revoked. Check the keys (veryfi-keys status ACCOUNT); if AWSCURRENT's key is dead, reset the account (incident runbook). Keys are left as the step found them.
            io.veryfikeys.veryfi.VeryfiAnswerLostException | FAILED | A create was sent and its answer lost twice: Veryfi may hold a key whose value nobody has. veryfi-keys status ACCOUNT lists the live keys: one that is in no secret version is that key; delete it at Veryfi, then run the rotation again.
            io.veryfikeys.rotation.RotationConflictException | FAILED | Someone else changed the account's secret while this rotation ran: the cause says who (an incident reset, another rotation, or a person or tool by hand) and which keys are stored and live now. This rotation stopped and deleted nothing. Check the keys (veryfi-keys status ACCOUNT) before running it again.
            io.veryfikeys.veryfi.MalformedResponseException | FAILED | Veryfi's answer could not be read (see cause). Keys are left as the step found them; run the rotation again once Veryfi answers normally.
            io.veryfikeys.veryfi.VeryfiUnavailableException io.veryfikeys.veryfi.VeryfiRateLimitedException io.veryfikeys.support.AwsUnavailableException States.Timeout States.TaskFailed Sandbox.Timedout | FAILED | RERUN
            """);

    private static Map<String, Verdict> verdicts(String table) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        for (String row : table.strip().split("\n")) {
            String[] cells = row.split(" \\| ", 3);
            Verdict verdict =
                    new Verdict(
                            Outcome.valueOf(cells[1].strip()),
                            cells[2].strip().equals("RERUN") ? RERUN : cells[2].strip());
            for (String name : cells[0].strip().split(" +")) {
                verdicts.put(name, verdict);
            }
        }
        return Map.copyOf(verdicts);
    }

    /** The error names the table knows (the contract test checks them). */
    static java.util.Set<String> knownErrors() {
        return VERDICTS.keySet();
    }

    /**
     * The verdict on a step that failed with {@code errorName} (the Java exception class or the
     * Step Functions error). Configuration problems are BLOCKED: running again unchanged fails the
     * same way, so the advice names what to fix; only transient failures promise that a re-run
     * resumes.
     */
    static Verdict verdict(String errorName) {
        if (errorName == null) {
            return new Verdict(Outcome.FAILED, RERUN);
        }
        Verdict known = VERDICTS.get(errorName);
        if (known != null) {
            return known;
        }
        return errorName.startsWith("Lambda.")
                ? new Verdict(Outcome.FAILED, RERUN)
                : new Verdict(
                        Outcome.FAILED,
                        "Keys are left as the step found them and every step is idempotent, so"
                                + " a re-run is safe; read the error and cause first, since it may fail the same way.");
    }

    private static String summary(Outcome outcome, RotationState state) {
        return switch (outcome) {
            case SUCCEEDED ->
                    "Key rotated: every consumer confirmed the new key and the old key was deleted.";
            case BLOCKED ->
                    "Rotation refused, nothing changed: "
                            + (state.plan() == null ? "" : state.plan().reason());
            case ALREADY_RUNNING ->
                    "Nothing changed: " + (state.plan() == null ? "" : state.plan().reason());
            case CONSUMERS_LAGGING ->
                    "Consumers did not all move to the new key in time. The old key was NOT deleted:"
                            + " both keys stay live. Fix the lagging consumers, then run the rotation again.";
            case REVERTED ->
                    "A consumer was unhealthy on the new key: the old key is AWSCURRENT again and the new key"
                            + " was deleted once no consumer used it.";
            case REVERT_INCOMPLETE ->
                    "Revert started (old key is AWSCURRENT again) but consumers did not all move"
                            + " back in time: both keys stay live.";
            case NEW_KEY_REJECTED ->
                    "Veryfi rejected the new key on verification: it was deleted, the old key is"
                            + " untouched and still AWSCURRENT.";
            case FAILED -> "Rotation failed at step " + stepOf(state) + ". " + RERUN;
        };
    }

    /** The first step without a result is where the execution stopped. */
    static String stepOf(RotationState state) {
        if (state.plan() == null) {
            return "Plan";
        }
        if (state.plan().action() != PlanAction.ROTATE
                && state.plan().action() != PlanAction.FINISH_PREVIOUS) {
            return "Plan";
        }
        if (state.plan().action() == PlanAction.ROTATE) {
            if (state.created() == null) {
                return "CreateKey";
            }
            if (state.verified() == null) {
                return "VerifyNewKey";
            }
            if (state.rollout() == null) {
                return "Promote";
            }
        }
        if (state.revert() != null) {
            return state.discarded() == null ? "Revert" : "Report";
        }
        if (state.poll() == null || state.poll().status() != PollStatus.DONE) {
            return "PollConsumers";
        }
        return state.deleted() == null ? "DeleteOldKey" : "Report";
    }

    private static String causeOf(JsonNode error) {
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = JsonTree.parse(cause);
            if (parsed != null && parsed.has("errorMessage")) {
                return parsed.get("errorMessage").asText();
            }
        } catch (Exception e) {
            // not JSON: use as it is
        }
        return cause;
    }

    private static RotationState emptyState() {
        return new RotationState(
                null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
