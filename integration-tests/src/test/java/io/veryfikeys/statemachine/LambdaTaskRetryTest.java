package io.veryfikeys.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every Lambda Task of the deployed state machines survives the invoke errors a SnapStart function
 * meets: a version unused for 14 days goes Inactive and answers SnapStartNotReadyException until it
 * is Active again, which takes minutes, so a retrier that gives up after seconds fails the rotation
 * for nothing. The transient Lambda service errors must be retried too, and whatever still fails
 * must be caught so that it ends in a report rather than in a silent execution failure.
 */
class LambdaTaskRetryTest {
    private static final List<String> ASL_FILES = List.of("rotation.asl.json", "fleet.asl.json");
    private static final List<String> SNAPSTART_ERRORS =
            List.of("Lambda.SnapStartNotReadyException", "Lambda.SnapStartTimeoutException");
    private static final List<String> RETRIED_ERRORS =
            List.of(
                    "Lambda.SnapStartNotReadyException",
                    "Lambda.SnapStartTimeoutException",
                    "Lambda.TooManyRequestsException",
                    "Lambda.ServiceException",
                    "Lambda.ClientExecutionTimeoutException");
    // Ten minutes: comfortably more than a SnapStart version needs to become Active again.
    private static final double SNAPSTART_MINIMUM_WAIT_SECONDS = 600;
    private static final Pattern LAMBDA_RESOURCE =
            Pattern.compile(
                    "\\$\\{\\w+FunctionArn}|arn:aws[\\w-]*:lambda:.*|arn:aws[\\w-]*:states:::lambda:invoke.*");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record LambdaTask(String file, String name, JsonNode state) {
        String label() {
            return file + " / " + name;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyLambdaTaskRetriesSnapStartAndServiceErrorsAndCatchesTheRest()
            throws IOException {
        Path statemachines = repositoryRoot().resolve("statemachine");
        List<LambdaTask> tasks = new ArrayList<>();
        for (String file : ASL_FILES) {
            List<LambdaTask> inFile = new ArrayList<>();
            collectLambdaTasks(
                    file,
                    "",
                    MAPPER.readTree(statemachines.resolve(file).toFile()).path("States"),
                    inFile);
            // Without this, a renamed placeholder would make the whole test pass on zero states.
            assertThat(inFile).as("Lambda Task states found in %s", file).isNotEmpty();
            tasks.addAll(inFile);
        }
        return tasks.stream().map(task -> DynamicTest.dynamicTest(task.label(), () -> check(task)));
    }

    /**
     * Issue 21: once the Veryfi client gave up on 429s, the step's retry must not come back sooner
     * than Veryfi asked. The client honours a Retry-After up to RetryPolicy.maxRetryAfter (30 s)
     * and gives up at once on a longer one, so the state machine's first wait is at least that
     * long, never shortened by jitter, and grows from there.
     */
    @TestFactory
    Stream<DynamicTest> aRateLimitedStepWaitsAtLeastAsLongAsVeryfiAsks() throws IOException {
        Path statemachines = repositoryRoot().resolve("statemachine");
        List<LambdaTask> tasks = new ArrayList<>();
        for (String file : ASL_FILES) {
            collectLambdaTasks(
                    file,
                    "",
                    MAPPER.readTree(statemachines.resolve(file).toFile()).path("States"),
                    tasks);
        }
        long asked = io.veryfikeys.veryfi.RetryPolicy.DEFAULT.maxRetryAfter().toSeconds();
        List<LambdaTask> veryfiTasks =
                tasks.stream()
                        .filter(
                                t ->
                                        firstMatching(
                                                        t.state().path("Retry"),
                                                        "io.veryfikeys.veryfi.VeryfiUnavailableException")
                                                .isPresent())
                        .toList();
        assertThat(veryfiTasks).isNotEmpty();
        return veryfiTasks.stream()
                .map(
                        task ->
                                DynamicTest.dynamicTest(
                                        task.label(),
                                        () -> {
                                            JsonNode r =
                                                    firstMatching(
                                                                    task.state().path("Retry"),
                                                                    "io.veryfikeys.veryfi.VeryfiRateLimitedException")
                                                            .orElseThrow(
                                                                    () ->
                                                                            new AssertionError(
                                                                                    task.label()
                                                                                            + " does not retry VeryfiRateLimitedException"));
                                            assertThat(r.path("IntervalSeconds").asInt(1))
                                                    .as(task.label())
                                                    .isGreaterThanOrEqualTo((int) asked);
                                            assertThat(r.path("JitterStrategy").asText("NONE"))
                                                    .as(task.label())
                                                    .isEqualTo("NONE");
                                            assertThat(r.path("BackoffRate").asDouble(2.0))
                                                    .as(task.label())
                                                    .isGreaterThanOrEqualTo(1.0);
                                        }));
    }

    private static void check(LambdaTask task) {
        JsonNode retry = task.state().path("Retry");
        SoftAssertions softly = new SoftAssertions();
        for (String error : RETRIED_ERRORS) {
            Optional<JsonNode> retrier = firstMatching(retry, error);
            softly.assertThat(retrier).as("%s: a retrier for %s", task.label(), error).isPresent();
            if (retrier.isPresent() && SNAPSTART_ERRORS.contains(error)) {
                JsonNode r = retrier.get();
                double wait =
                        minimumTotalWaitSeconds(
                                intOrNull(r, "IntervalSeconds"),
                                intOrNull(r, "MaxAttempts"),
                                doubleOrNull(r, "BackoffRate"),
                                intOrNull(r, "MaxDelaySeconds"),
                                r.hasNonNull("JitterStrategy")
                                        ? r.get("JitterStrategy").asText()
                                        : null);
                softly.assertThat(wait)
                        .as(
                                "%s: guaranteed wait before giving up on %s (retrier %s)",
                                task.label(), error, r)
                        .isGreaterThanOrEqualTo(SNAPSTART_MINIMUM_WAIT_SECONDS);
            }
        }
        boolean catchesAll = false;
        for (JsonNode catcher : task.state().path("Catch")) {
            catchesAll |= errorEquals(catcher).contains("States.ALL");
        }
        softly.assertThat(catchesAll).as("%s: has a Catch with States.ALL", task.label()).isTrue();
        softly.assertAll();
    }

    /** Step Functions uses the first retrier, in list order, whose ErrorEquals covers the error. */
    static Optional<JsonNode> firstMatching(JsonNode retry, String error) {
        for (JsonNode retrier : retry) {
            List<String> names = errorEquals(retrier);
            // States.TaskFailed is a wildcard too in a Retry (all but States.Timeout), so it would
            // shadow a later retrier.
            if (names.contains(error)
                    || names.contains("States.ALL")
                    || (names.contains("States.TaskFailed") && !error.equals("States.Timeout"))) {
                return Optional.of(retrier);
            }
        }
        return Optional.empty();
    }

    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (retrier
    // fields and defaults)
    // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.JitterType.html
    // (FULL draws between 0 and the backoff)
    // https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html (why SnapStart
    // errors need minutes) Only the lower bound counts: a retrier is safe for an Inactive SnapStart
    // version only if even its shortest possible schedule lasts long enough, and a FULL jitter may
    // draw 0 for every retry.
    static double minimumTotalWaitSeconds(
            Integer intervalSeconds,
            Integer maxAttempts,
            Double backoffRate,
            Integer maxDelaySeconds,
            String jitterStrategy) {
        if ("FULL".equals(jitterStrategy)) {
            return 0;
        }
        double interval = intervalSeconds == null ? 1 : intervalSeconds;
        int attempts = maxAttempts == null ? 3 : maxAttempts;
        double rate = backoffRate == null ? 2.0 : backoffRate;
        double cap = maxDelaySeconds == null ? Double.POSITIVE_INFINITY : maxDelaySeconds;
        double total = 0;
        for (int retry = 1; retry <= attempts; retry++) {
            total += Math.min(interval * Math.pow(rate, retry - 1), cap);
        }
        return total;
    }

    @ParameterizedTest(
            name = "Interval={0} MaxAttempts={1} BackoffRate={2} MaxDelay={3} Jitter={4} -> {5} s")
    @CsvSource(
            nullValues = "-",
            textBlock =
                    """
            20, 6,   2.0, 240, NONE, 780
            20, 6,   2.0,   -, NONE, 1260
            2,  6,   2.0,  60, FULL, 0
            -,  -,     -,   -,    -, 7
            3,  2,   1.5,   -,    -, 7.5
            1,  0,   2.0,   -, NONE, 0
            10, 3,   1.0,   5, NONE, 15
            """)
    void minimumTotalWaitFollowsTheRetrierFields(
            Integer intervalSeconds,
            Integer maxAttempts,
            Double backoffRate,
            Integer maxDelaySeconds,
            String jitterStrategy,
            double expected) {
        assertThat(
                        minimumTotalWaitSeconds(
                                intervalSeconds,
                                maxAttempts,
                                backoffRate,
                                maxDelaySeconds,
                                jitterStrategy))
                .isCloseTo(expected, within(1e-9));
    }

    private static void collectLambdaTasks(
            String file, String prefix, JsonNode states, List<LambdaTask> out) {
        for (Map.Entry<String, JsonNode> entry : states.properties()) {
            String name = prefix + entry.getKey();
            JsonNode state = entry.getValue();
            if ("Task".equals(state.path("Type").asText())
                    && LAMBDA_RESOURCE.matcher(state.path("Resource").asText()).matches()) {
                out.add(new LambdaTask(file, name, state));
            }
            // A Lambda Task nested in a Map or Parallel is invoked just the same.
            for (String processor : List.of("ItemProcessor", "Iterator")) {
                if (state.has(processor)) {
                    collectLambdaTasks(file, name + "/", state.get(processor).path("States"), out);
                }
            }
            for (JsonNode branch : state.path("Branches")) {
                collectLambdaTasks(file, name + "/", branch.path("States"), out);
            }
        }
    }

    private static List<String> errorEquals(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.path("ErrorEquals").forEach(n -> names.add(n.asText()));
        return names;
    }

    private static Integer intOrNull(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asInt() : null;
    }

    private static Double doubleOrNull(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asDouble() : null;
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
    }
}
