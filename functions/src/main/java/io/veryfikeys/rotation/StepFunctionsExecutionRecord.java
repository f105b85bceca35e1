package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.aws.JsonService;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;

import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link ExecutionRecord} as deployed: what Step Functions recorded of a rotation execution,
 * against which a step that deletes a key or moves AWSCURRENT checks the state it was handed.
 * Whoever may invoke a step function could otherwise hand it a forged plan ({@code consumers: []})
 * or a forged created key id and have it delete a key in use. The state is only believed if the
 * execution it names is one of this stack's rotation state machine, for the same account, and its
 * own history holds the same plan, created key and rollout (the outputs of Plan, CreateKey and
 * Promote, which only the state machine's own invocations of those functions produced).
 *
 * <p>Costs one GetExecutionHistory page (Plan, CreateKey and Promote are among the first events),
 * read only by the steps that act on keys.
 */
public final class StepFunctionsExecutionRecord implements ExecutionRecord {
    private static final Set<String> CREATE_STATES =
            Set.of("CreateKey", "CreateKeyAfterLostAnswer");

    /** Execution and ARN errors mean no such execution here: anything else is AWS's trouble. */
    private static final Set<String> NO_SUCH_EXECUTION =
            Set.of("ExecutionDoesNotExist", "InvalidArn");

    private final Supplier<JsonService> sfn;
    private final String stateMachineArn;

    public StepFunctionsExecutionRecord(Supplier<JsonService> sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public void confirm(RotationState state, String step) {
        Plan plan = state.plan();
        if (stateMachineArn == null || stateMachineArn.isBlank()) {
            throw new IllegalStateException(
                    "ROTATION_STATE_MACHINE_ARN is not set: " + step + " cannot check its state");
        }
        String prefix = stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":";
        String executionArn = plan.executionId();
        if (executionArn == null || !executionArn.startsWith(prefix)) {
            throw new ForgedStateException(
                    step
                            + " refused: plan.executionId is not an execution of this stack's"
                            + " rotation state machine");
        }
        Recorded recorded = read(executionArn, step);
        if (!plan.secretId().equals(recorded.secretId)) {
            throw new ForgedStateException(
                    step
                            + " refused: execution "
                            + executionArn
                            + " rotates "
                            + recorded.secretId
                            + ", not "
                            + plan.secretId());
        }
        if (!plan.equals(recorded.plan)) {
            throw new ForgedStateException(
                    step + " refused: the plan handed to it is not the plan its execution made");
        }
        if (state.created() != null && !state.created().equals(recorded.created)) {
            throw new ForgedStateException(
                    step
                            + " refused: the created key handed to it ("
                            + state.created().newKeyId()
                            + ") is not the key its execution created");
        }
        if (state.rollout() != null && !state.rollout().equals(recorded.rollout)) {
            throw new ForgedStateException(
                    step
                            + " refused: the rollout handed to it is not the one its execution"
                            + " promoted");
        }
        if (state.lostCreate() != null && !recorded.lostCreate) {
            throw new ForgedStateException(
                    step
                            + " refused: it was told a create's answer was lost, which its"
                            + " execution never recorded");
        }
    }

    private static final class Recorded {
        String secretId;
        Plan plan;
        Created created;
        Rollout rollout;
        boolean lostCreate;
    }

    private Recorded read(String executionArn, String step) {
        Recorded recorded = new Recorded();
        try {
            Iterator<JsonNode> events =
                    sfn.get()
                            .items(
                                    "GetExecutionHistory",
                                    "Step Functions GetExecutionHistory " + executionArn,
                                    JsonService.request()
                                            .put("executionArn", executionArn)
                                            .put("maxResults", 100),
                                    "nextToken",
                                    "events")
                            .iterator();
            while (events.hasNext()) {
                JsonNode event = events.next();
                JsonNode started = event.get("executionStartedEventDetails");
                JsonNode entered = event.get("stateEnteredEventDetails");
                JsonNode exited = event.get("stateExitedEventDetails");
                if (started != null) {
                    recorded.secretId =
                            JsonTree.parse(started.path("input").asText("{}"))
                                    .path("secretId")
                                    .asText(null);
                } else if (entered != null
                        && "CreateKeyAfterLostAnswer".equals(entered.path("name").asText())) {
                    recorded.lostCreate = true;
                } else if (exited != null) {
                    String name = exited.path("name").asText();
                    JsonNode output = JsonTree.parse(exited.path("output").asText("{}"));
                    if ("Plan".equals(name) && output.hasNonNull("plan")) {
                        recorded.plan = JsonRecords.read(output.get("plan"), Plan.class);
                    } else if (CREATE_STATES.contains(name) && output.hasNonNull("created")) {
                        recorded.created = JsonRecords.read(output.get("created"), Created.class);
                    } else if ("Promote".equals(name) && output.hasNonNull("rollout")) {
                        recorded.rollout = JsonRecords.read(output.get("rollout"), Rollout.class);
                        break; // every later state acts on these; nothing after Promote changes
                        // them
                    }
                }
            }
        } catch (AwsCallFailedException e) {
            if (!NO_SUCH_EXECUTION.contains(e.errorCode())) {
                throw e;
            }
            throw new ForgedStateException(
                    step + " refused: execution " + executionArn + " does not exist");
        } catch (java.io.IOException e) {
            throw new ForgedStateException(
                    step + " refused: the execution's recorded state could not be read");
        }
        if (recorded.plan == null) {
            throw new ForgedStateException(
                    step + " refused: execution " + executionArn + " has no plan recorded");
        }
        return recorded;
    }
}
