package io.veryfikeys.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.rotation.Outcome;
import io.veryfikeys.rotation.PlanAction;
import io.veryfikeys.rotation.PollStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: the state machines and the code agree on their contract, read from both definitions.
 * Every value a Choice routes on is one the code can produce, and every value the code can produce
 * has its route; every outcome a Report state passes exists; every error name a Retry or Catch
 * matches is a class that exists (a renamed exception would otherwise stop being retried or caught
 * without any test noticing) or an error Step Functions or Lambda itself raises.
 */
class StateMachineContractTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FILES = List.of("rotation.asl.json", "fleet.asl.json");

    /**
     * Errors Step Functions itself names
     * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
     */
    private static final Set<String> STATES_ERRORS =
            Set.of(
                    "States.ALL",
                    "States.Timeout",
                    "States.TaskFailed",
                    "States.Permissions",
                    "States.Runtime",
                    "States.HeartbeatTimeout",
                    "States.DataLimitExceeded",
                    "States.ResultPathMatchFailure",
                    "States.ParameterPathFailure",
                    "States.BranchFailed",
                    "States.NoChoiceMatched",
                    "States.IntrinsicFailure",
                    "States.ExceedToleratedFailureThreshold",
                    "States.ItemReaderFailed",
                    "States.ResultWriterFailed",
                    "States.QueryEvaluationError");

    /**
     * Errors of the Lambda Invoke API, reported as Lambda.ErrorName
     * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html,
     * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), and the runtime's own names
     * for a function that timed out or crashed.
     */
    private static final Set<String> LAMBDA_ERRORS =
            Set.of(
                    "Lambda.ServiceException",
                    "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException",
                    "Lambda.ClientExecutionTimeoutException",
                    "Lambda.SnapStartNotReadyException",
                    "Lambda.SnapStartTimeoutException",
                    "Lambda.SnapStartException",
                    "Lambda.ResourceNotReadyException",
                    "Lambda.Unknown",
                    "Sandbox.Timedout",
                    "Runtime.ExitError");

    /**
     * Errors of the fleet's {@code states:startExecution.sync} integration, named
     * StepFunctions.ErrorName: StartExecution's own
     * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html) and
     * the integration's generic ones.
     */
    private static final Set<String> START_EXECUTION_ERRORS =
            Set.of(
                    "StepFunctions.ExecutionLimitExceededException",
                    "StepFunctions.ExecutionAlreadyExistsException",
                    "StepFunctions.InvalidExecutionInputException",
                    "StepFunctions.StateMachineDoesNotExistException",
                    "StepFunctions.AWSStepFunctionsException",
                    "StepFunctions.SdkClientException");

    /** Each Choice variable the definitions route on, and the values the code can put there. */
    private static final Map<String, Set<String>> ROUTED =
            Map.of(
                    "$.plan.action", names(PlanAction.values()),
                    "$.poll.status", names(PollStatus.values()),
                    "$.revertPoll.status",
                            new TreeSet<>(
                                    Arrays.stream(PollStatus.values())
                                            .filter(PollStatus::possibleWhileReverting)
                                            .map(Enum::name)
                                            .toList()),
                    "$.report.result", names(Outcome.values()));

    /**
     * Choices on what Step Functions itself or a flag decides, not an enum of ours: the fleet's
     * dry-run flag (ListAccounts echoes the validated boolean), the error name of a failed Task
     * (States.TaskFailed is the name a failed child execution raises in its parent: ASL's
     * predefined error codes), and whether a failed execution's description names its error.
     */
    private static final Map<String, String> NOT_OURS =
            Map.of(
                    "$.fleet.dryRun", "BooleanEquals=true",
                    "$.error.Error", "StringEquals=States.TaskFailed",
                    "$.failure.Error", "IsPresent=true");

    @Test
    void everyChoiceValueIsOneTheCodeProducesAndEveryValueTheCodeProducesIsRouted()
            throws IOException {
        Map<String, Set<String>> routed = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        eachState(
                (file, state) -> {
                    if (!"Choice".equals(state.path("Type").asText())) return;
                    for (JsonNode rule : state.path("Choices")) {
                        String variable = rule.path("Variable").asText();
                        String value = rule.path("StringEquals").asText(null);
                        if (NOT_OURS.containsKey(variable)) {
                            String test =
                                    rule.fieldNames().next().equals("Variable")
                                            ? rule.properties().stream()
                                                    .filter(e -> !e.getKey().equals("Variable"))
                                                    .filter(e -> !e.getKey().equals("Next"))
                                                    .map(
                                                            e ->
                                                                    e.getKey()
                                                                            + "="
                                                                            + e.getValue().asText())
                                                    .findFirst()
                                                    .orElse("")
                                            : "";
                            if (!NOT_OURS.get(variable).equals(test)) {
                                problems.add(
                                        file
                                                + ": a Choice tests "
                                                + variable
                                                + " with "
                                                + test
                                                + ", not "
                                                + NOT_OURS.get(variable));
                            }
                        } else if (!ROUTED.containsKey(variable)) {
                            problems.add(
                                    file
                                            + ": a Choice routes on "
                                            + variable
                                            + ", which this test does not know: add the"
                                            + " enum of its values to ROUTED");
                        } else if (value == null || !ROUTED.get(variable).contains(value)) {
                            problems.add(
                                    file
                                            + ": a Choice routes "
                                            + variable
                                            + " = "
                                            + value
                                            + ", which the code never produces"
                                            + " (it can produce "
                                            + ROUTED.get(variable)
                                            + ")");
                        } else {
                            routed.computeIfAbsent(variable, k -> new TreeSet<>()).add(value);
                        }
                    }
                });
        assertThat(problems).isEmpty();
        // Every action and poll status has its route. Outcomes are routed only where they end
        // differently.
        for (String variable : List.of("$.plan.action", "$.poll.status", "$.revertPoll.status")) {
            assertThat(routed.get(variable))
                    .as("values of %s with a route", variable)
                    .isEqualTo(ROUTED.get(variable));
        }
    }

    @Test
    void everyOutcomeAReportStatePassesExistsAndEachIsReported() throws IOException {
        Set<String> passed = new TreeSet<>();
        eachState(
                (file, state) -> {
                    JsonNode outcome = state.path("Parameters").path("Payload").path("outcome");
                    if (outcome.isMissingNode()) outcome = state.path("Parameters").path("outcome");
                    if (outcome.isTextual()) passed.add(outcome.asText());
                });
        assertThat(names(Outcome.values())).as("outcomes of the code").containsAll(passed);
        assertThat(passed).as("outcomes the Report states pass").isEqualTo(names(Outcome.values()));
    }

    @Test
    void everyErrorNameInARetryOrCatchExists() throws IOException {
        List<String> problems = new ArrayList<>();
        int[] names = {0};
        eachState(
                (file, state) -> {
                    for (String field : List.of("Retry", "Catch")) {
                        for (JsonNode rule : state.path(field)) {
                            for (JsonNode error : rule.path("ErrorEquals")) {
                                names[0]++;
                                String name = error.asText();
                                if (STATES_ERRORS.contains(name)
                                        || LAMBDA_ERRORS.contains(name)
                                        || START_EXECUTION_ERRORS.contains(name)) continue;
                                if (name.startsWith("States.")
                                        || name.startsWith("Lambda.")
                                        || name.startsWith("StepFunctions.")) {
                                    problems.add(
                                            file
                                                    + ": "
                                                    + field
                                                    + " matches "
                                                    + name
                                                    + ", which neither Step Functions nor"
                                                    + " Lambda nor the StartExecution integration raises");
                                    continue;
                                }
                                try {
                                    Class<?> type = Class.forName(name);
                                    if (!Throwable.class.isAssignableFrom(type)) {
                                        problems.add(
                                                file
                                                        + ": "
                                                        + field
                                                        + " matches "
                                                        + name
                                                        + ", which is not an exception");
                                    }
                                } catch (ClassNotFoundException e) {
                                    problems.add(
                                            file
                                                    + ": "
                                                    + field
                                                    + " matches "
                                                    + name
                                                    + ", which is no class of the code");
                                }
                            }
                        }
                    }
                });
        assertThat(names[0]).as("error names found").isGreaterThan(50);
        assertThat(problems).isEmpty();
    }

    /**
     * Issue 14: the retry policy of the functions' Task states is written out in each (Step
     * Functions has no shared retrier), so this test is what keeps it one policy: every Lambda Task
     * of both definitions retries exactly as the rotation's Plan does. A change to the policy is
     * made in all of them or this fails, naming the states that differ.
     */
    @Test
    void everyLambdaTaskHasTheOneRetryPolicy() throws IOException {
        Path dir = LambdaTaskRetryTest.repositoryRoot().resolve("statemachine");
        JsonNode policy =
                MAPPER.readTree(Files.readString(dir.resolve("rotation.asl.json")))
                        .at("/States/Plan/Retry");
        assertThat(policy.size()).as("the Plan state's retriers").isGreaterThanOrEqualTo(4);
        List<String> lambdaTasks = new ArrayList<>();
        List<String> different = new ArrayList<>();
        eachState(
                (file, state) -> {
                    if (!"Task".equals(state.path("Type").asText())
                            || !state.path("Resource").asText().matches("\\$\\{\\w+FunctionArn}")) {
                        return;
                    }
                    lambdaTasks.add(file);
                    if (!state.path("Retry").equals(policy)) different.add(file);
                });
        assertThat(lambdaTasks).as("Lambda Task states").hasSizeGreaterThan(15);
        assertThat(different).as("Lambda Task states whose Retry differs from Plan's").isEmpty();
    }

    /**
     * Issue 14: the Catch blocks are written out in each Task too, so this keeps them to two
     * shapes. Every Lambda Task of the rotation ends its Catch with the one catch-all: a step's
     * failure goes to ReportFailure in {@code $.error}; a report's own failure goes to
     * ReportingFailed in {@code $.reportError} (so it never loops into another report). The
     * specific catches before it are checked by everyErrorNameInARetryOrCatchExists.
     */
    @Test
    void everyRotationTaskEndsWithTheOneCatchAllOfItsKind() throws IOException {
        Path dir = LambdaTaskRetryTest.repositoryRoot().resolve("statemachine");
        JsonNode states =
                MAPPER.readTree(Files.readString(dir.resolve("rotation.asl.json"))).path("States");
        JsonNode stepCatchAll =
                MAPPER.readTree(
                        "{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.error\",\"Next\":\"ReportFailure\"}");
        JsonNode reportCatchAll =
                MAPPER.readTree(
                        "{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.reportError\",\"Next\":\"ReportingFailed\"}");
        List<String> tasks = new ArrayList<>();
        List<String> different = new ArrayList<>();
        states.fields()
                .forEachRemaining(
                        entry -> {
                            JsonNode state = entry.getValue();
                            if (!"Task".equals(state.path("Type").asText())
                                    || !state.path("Resource")
                                            .asText()
                                            .matches("\\$\\{\\w+FunctionArn}")) {
                                return;
                            }
                            tasks.add(entry.getKey());
                            JsonNode catches = state.path("Catch");
                            JsonNode expected =
                                    state.path("Resource").asText().equals("${ReportFunctionArn}")
                                            ? reportCatchAll
                                            : stepCatchAll;
                            if (catches.isEmpty()
                                    || !catches.get(catches.size() - 1).equals(expected)) {
                                different.add(
                                        entry.getKey()
                                                + " "
                                                + (catches.isEmpty()
                                                        ? "has no Catch"
                                                        : "ends with "
                                                                + catches.get(catches.size() - 1)));
                            }
                        });
        assertThat(tasks).as("the rotation's Lambda Task states").hasSizeGreaterThan(15);
        assertThat(different)
                .as("Lambda Task states whose last Catch is not the catch-all of their kind")
                .isEmpty();
    }

    private static Set<String> names(Enum<?>[] values) {
        return new TreeSet<>(Arrays.stream(values).map(Enum::name).toList());
    }

    private static void eachState(BiConsumer<String, JsonNode> visit) throws IOException {
        Path dir = LambdaTaskRetryTest.repositoryRoot().resolve("statemachine");
        for (String file : FILES) {
            walk(file, MAPPER.readTree(Files.readString(dir.resolve(file))).path("States"), visit);
        }
    }

    private static void walk(String file, JsonNode states, BiConsumer<String, JsonNode> visit) {
        states.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode state = e.getValue();
                            visit.accept(file + " / " + e.getKey(), state);
                            state.path("Branches")
                                    .forEach(b -> walk(file, b.path("States"), visit));
                            walk(file, state.path("Iterator").path("States"), visit);
                            walk(file, state.path("ItemProcessor").path("States"), visit);
                        });
    }
}
