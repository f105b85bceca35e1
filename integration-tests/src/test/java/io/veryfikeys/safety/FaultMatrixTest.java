package io.veryfikeys.safety;

import io.veryfikeys.localstack.LambdaHost;
import io.veryfikeys.localstack.LambdaHost.AwsFault;
import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import io.veryfikeys.veryfi.VeryfiKeysClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6, the fault matrix: every Task state of {@code rotation.asl.json} × every fault kind, on
 * the local stack (real ASL in moto, real handlers, Veryfi simulator, consumers really calling
 * Veryfi). The fault is injected at the exact moment the target state's function is invoked for the
 * scenario's account (a Lambda-host invocation listener), so steps that share an endpoint (Plan and
 * VerifyNewKey both list keys) are targeted precisely. Each scenario then checks: the invariants
 * after every state ({@link InvariantChecker}); that the run completed or ended in a documented
 * safe state with an alert; and that a re-run with the faults cleared converges (SUCCEEDED, one
 * live key = AWSCURRENT, no orphan). Independent scenarios run concurrently on separate accounts.
 * {@code -Dsafety.exhaustive=true} adds persistent-outage variants.
 */
class FaultMatrixTest extends LocalStackTest {
    static final Map<String, Object> FAST = RotationHarness.settings(1, 1, 20, 0);
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    static final boolean EXHAUSTIVE = Boolean.getBoolean("safety.exhaustive");
    static final int PARALLEL = Integer.getInteger("safety.parallel", 10);

    private static LambdaHost host;

    @BeforeAll
    static void lambdaHost() {
        host = stack.lambdaHost();
    }

    enum Flavor {
        NORMAL,
        REJECT,
        REVERT
    }

    /** A Task state, the function that runs it, and the calls it makes that a fault can hit. */
    record Step(
            String state,
            String function,
            Predicate<String> payload,
            Endpoint veryfi,
            String awsOperation,
            Flavor flavor) {}

    static final List<Step> STEPS =
            List.of(
                    new Step(
                            "Plan",
                            "PlanFunction",
                            p -> true,
                            Endpoint.LIST,
                            "secretsmanager.DescribeSecret",
                            Flavor.NORMAL),
                    new Step(
                            "CreateKey",
                            "CreateKeyFunction",
                            p -> true,
                            Endpoint.CREATE,
                            "secretsmanager.PutSecretValue",
                            Flavor.NORMAL),
                    new Step(
                            "VerifyNewKey",
                            "VerifyNewKeyFunction",
                            p -> true,
                            Endpoint.LIST,
                            "secretsmanager.GetSecretValue",
                            Flavor.NORMAL),
                    new Step(
                            "Promote",
                            "PromoteFunction",
                            p -> true,
                            null,
                            "secretsmanager.UpdateSecretVersionStage",
                            Flavor.NORMAL),
                    new Step(
                            "PollConsumers",
                            "PollConsumersFunction",
                            p -> !p.contains("\"revert\""),
                            null,
                            null,
                            Flavor.NORMAL),
                    new Step(
                            "DeleteOldKey",
                            "DeleteOldKeyFunction",
                            p -> true,
                            Endpoint.DELETE,
                            "secretsmanager.GetSecretValue",
                            Flavor.NORMAL),
                    new Step(
                            "ReportSuccess",
                            "ReportFunction",
                            p -> has(p, "outcome", "SUCCEEDED"),
                            null,
                            "sns.Publish",
                            Flavor.NORMAL),
                    new Step(
                            "DiscardRejectedKey",
                            "RevertFunction",
                            p -> has(p, "phase", "discard"),
                            Endpoint.DELETE,
                            "secretsmanager.DescribeSecret",
                            Flavor.REJECT),
                    new Step(
                            "ReportNewKeyRejected",
                            "ReportFunction",
                            p -> has(p, "outcome", "NEW_KEY_REJECTED"),
                            null,
                            "sns.Publish",
                            Flavor.REJECT),
                    new Step(
                            "RevertPromotion",
                            "RevertFunction",
                            p -> has(p, "phase", "demote"),
                            null,
                            "secretsmanager.UpdateSecretVersionStage",
                            Flavor.REVERT),
                    new Step(
                            "PollRollback",
                            "PollConsumersFunction",
                            p -> p.contains("\"revert\""),
                            null,
                            null,
                            Flavor.REVERT),
                    new Step(
                            "DiscardRevertedKey",
                            "RevertFunction",
                            p -> has(p, "phase", "discard"),
                            Endpoint.DELETE,
                            "secretsmanager.DescribeSecret",
                            Flavor.REVERT),
                    new Step(
                            "ReportReverted",
                            "ReportFunction",
                            p -> has(p, "outcome", "REVERTED"),
                            null,
                            "sns.Publish",
                            Flavor.REVERT));

    /** The payload has {@code "name": "value"}, however the engine spaced its JSON. */
    static boolean has(String payload, String name, String value) {
        return payload.matches("(?s).*\"" + name + "\"\\s*:\\s*\"" + value + "\".*");
    }

    enum Kind {
        VERYFI_429("Veryfi 429"),
        VERYFI_5XX("Veryfi 5xx"),
        VERYFI_TIMEOUT("Veryfi timeout"),
        VERYFI_DROP("drop"),
        VERYFI_DROP_AFTER_COMMIT("drop after commit"),
        AWS_5XX("SecretsMgr/SNS 500"),
        HANDLER_THROWS("handler throws"),
        STOP_AND_RERUN("stopped mid-step"),
        VERYFI_5XX_PERSISTENT("Veryfi 5xx always"),
        AWS_5XX_PERSISTENT("AWS 500 always");
        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean veryfi() {
            return name().startsWith("VERYFI");
        }

        boolean exhaustiveOnly() {
            return name().endsWith("PERSISTENT");
        }
    }

    record Scenario(Step step, Kind kind) {
        boolean applicable() {
            if (kind.veryfi()) {
                return step.veryfi() != null;
            }
            if (kind == Kind.AWS_5XX || kind == Kind.AWS_5XX_PERSISTENT) {
                return step.awsOperation() != null;
            }
            return true;
        }

        String name() {
            return step.state() + " × " + kind.label;
        }
    }

    record Outcome(
            Scenario scenario,
            String first,
            String rerun,
            boolean completed,
            boolean safeStop,
            List<String> violations,
            List<String> leaks,
            int checks,
            long millis) {}

    /**
     * One named test per scenario in the reports ("CreateKey × Veryfi 429"), all running
     * concurrently from the start (each dynamic test waits for its own), then one that checks what
     * no single scenario can: no key value in any SNS message or log line, and the summary table.
     */
    @TestFactory
    Stream<DynamicTest> everyFaultAtEveryStepCompletesOrStopsSafelyAndReRunsConverge() {
        long started = System.nanoTime();
        List<Scenario> scenarios = new ArrayList<>();
        for (Step step : STEPS) {
            for (Kind kind : Kind.values()) {
                Scenario s = new Scenario(step, kind);
                if (s.applicable()
                        && (EXHAUSTIVE || !kind.exhaustiveOnly())
                        && s.name().matches(System.getProperty("safety.only", ".*"))) {
                    scenarios.add(s);
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        Map<Scenario, Future<Outcome>> futures = new java.util.LinkedHashMap<>();
        for (Scenario s : scenarios) {
            futures.put(s, pool.submit(() -> run(s)));
        }
        Stream<DynamicTest> each =
                scenarios.stream()
                        .map(
                                s ->
                                        DynamicTest.dynamicTest(
                                                s.name(),
                                                () -> {
                                                    Outcome o = futures.get(s).get();
                                                    assertThat(o.violations())
                                                            .as(
                                                                    "invariant violations of "
                                                                            + s.name())
                                                            .isEmpty();
                                                    assertThat(o.leaks())
                                                            .as("key values leaked by " + s.name())
                                                            .isEmpty();
                                                    assertThat(o.completed() || o.safeStop())
                                                            .as(
                                                                    s.name()
                                                                            + " completed or stopped safely: "
                                                                            + o.first())
                                                            .isTrue();
                                                }));
        DynamicTest whole =
                DynamicTest.dynamicTest(
                        "no key leaked anywhere, and the summary",
                        () -> {
                            pool.shutdown();
                            List<Outcome> outcomes = new ArrayList<>();
                            for (Future<Outcome> f : futures.values()) {
                                outcomes.add(f.get());
                            }
                            List<String> globalLeaks = new ArrayList<>();
                            try {
                                harness.assertNoKeyLeaked(
                                        List.of()); // SNS messages and every captured log line
                            } catch (AssertionError e) {
                                globalLeaks.add(e.getMessage());
                            }
                            System.out.print(table(outcomes, globalLeaks, started));
                            assertThat(globalLeaks).as("key values leaked").isEmpty();
                        });
        return Stream.concat(each, Stream.of(whole));
    }

    private static String table(List<Outcome> outcomes, List<String> globalLeaks, long started) {
        int completed = 0, safe = 0, violations = 0, leaks = globalLeaks.size(), checks = 0;
        StringBuilder table =
                new StringBuilder(
                        "\nSAFETY FAULT MATRIX ("
                                + (EXHAUSTIVE ? "exhaustive" : "default")
                                + ")\n");
        table.append(
                String.format(
                        "%-22s %-20s %-34s %-22s %6s %4s %4s %6s%n",
                        "step", "fault", "first run", "re-run", "checks", "viol", "leak", "sec"));
        for (Outcome o : outcomes) {
            completed += o.completed() ? 1 : 0;
            safe += o.safeStop() ? 1 : 0;
            violations += o.violations().size();
            leaks += o.leaks().size();
            checks += o.checks();
            table.append(
                    String.format(
                            "%-22s %-20s %-34s %-22s %6d %4d %4d %6.1f%n",
                            o.scenario().step().state(),
                            o.scenario().kind().label,
                            o.first(),
                            o.rerun(),
                            o.checks(),
                            o.violations().size(),
                            o.leaks().size(),
                            o.millis() / 1000.0));
        }
        table.append(
                String.format(
                        "TOTAL scenarios run=%d completed=%d safe-stopped=%d invariant-violations=%d leaks=%d"
                                + " (invariant checks=%d, wall %.0f s, %d in parallel)%n",
                        outcomes.size(),
                        completed,
                        safe,
                        violations,
                        leaks,
                        checks,
                        (System.nanoTime() - started) / 1e9,
                        PARALLEL));
        outcomes.forEach(
                o ->
                        o.violations()
                                .forEach(
                                        v ->
                                                table.append("VIOLATION ")
                                                        .append(o.scenario().name())
                                                        .append(": ")
                                                        .append(v)
                                                        .append('\n')));
        outcomes.forEach(
                o ->
                        o.leaks()
                                .forEach(
                                        v ->
                                                table.append("LEAK ")
                                                        .append(o.scenario().name())
                                                        .append(": ")
                                                        .append(v)
                                                        .append('\n')));
        globalLeaks.forEach(v -> table.append("LEAK ").append(v).append('\n'));
        return table.toString();
    }

    private Outcome run(Scenario s) {
        long started = System.nanoTime();
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        String secretId = account.secretId();
        long oldKey = account.initialKeyId();
        if (s.step().flavor() == Flavor.REVERT) {
            account.consumer(0).unhealthyWhenUsing(id -> id != oldKey);
        } else if (s.step().flavor() == Flavor.REJECT) {
            harness.veryfi.rejectNewKeys(account.clientId(), true);
        }
        String jsonMarker = "\"" + secretId + "\"";
        String formMarker = URLEncoder.encode(jsonMarker, StandardCharsets.UTF_8);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        CompletableFuture<String> arn = new CompletableFuture<>();
        AtomicBoolean fired = new AtomicBoolean();
        LambdaHost.InvocationListener listener =
                (function, payload) -> {
                    if (fired.get() || !function.equals(s.step().function())) {
                        return;
                    }
                    String text = new String(payload, StandardCharsets.UTF_8);
                    if (!text.contains(jsonMarker)
                            || !s.step().payload().test(text)
                            || !fired.compareAndSet(false, true)) {
                        return;
                    }
                    inject(s, account, jsonMarker, formMarker, arn);
                };
        host.addInvocationListener(listener);
        RotationHarness.Execution first;
        try {
            arn.complete(harness.start(secretId, FAST));
            first = checker.watch(arn.join(), RUN_TIMEOUT);
        } finally {
            host.removeInvocationListener(listener);
        }
        List<String> extra = new ArrayList<>();
        if (!fired.get()) {
            extra.add(
                    "the fault was never injected: "
                            + s.step().state()
                            + " not reached; entered "
                            + first.statesEntered());
        }
        boolean completed = false;
        boolean safe = false;
        String firstOutcome;
        List<String> states = first.statesEntered();
        if (first.status() == ExecutionStatus.SUCCEEDED && states.contains("Rotated")) {
            completed = true;
            firstOutcome = "SUCCEEDED";
        } else if (first.status() == ExecutionStatus.ABORTED && s.kind() == Kind.STOP_AND_RERUN) {
            safe = true;
            firstOutcome = "ABORTED by operator";
        } else if (first.status() == ExecutionStatus.FAILED && states.contains("ReportingFailed")) {
            // The outcome could not be published: the ReportingFailedAlarm (Errors of
            // ReportFunction) alerts.
            safe = true;
            firstOutcome = "ReportingFailed (alarm)";
        } else if (first.status() == ExecutionStatus.FAILED) {
            String result = alertResult(secretId);
            safe = result != null;
            firstOutcome = "FAILED " + (result == null ? "WITHOUT ALERT" : "alert " + result);
            if (result == null) {
                extra.add("failed without an alert: " + states);
            }
        } else {
            firstOutcome = first.status() + " " + states.get(states.size() - 1);
            extra.add("unexpected end " + first.status() + " " + states);
        }
        // The run is over, but what it set going may not be: a stopped step runs on to its end, and
        // a Veryfi call whose client timed out still sits in the simulator and acts when its delay
        // is up. The end state is judged once both are done.
        if (s.kind() == Kind.STOP_AND_RERUN) {
            awaitStoppedStepEnded(arn.join());
        }
        harness.awaitNoVeryfiCallInFlight(account.clientId());
        checker.checkEnd("end of the faulty run", List.of(first));

        harness.veryfi.clearFaults(account.clientId());
        host.clearAwsFaults(jsonMarker);
        host.clearAwsFaults(formMarker);
        account.consumer(0).unhealthyWhenUsing(id -> false);
        harness.veryfi.rejectNewKeys(account.clientId(), false);

        RotationHarness.Execution second =
                checker.watch(harness.start(secretId, FAST), RUN_TIMEOUT);
        if (s.step().flavor() == Flavor.REJECT
                && second.statesEntered().contains("ReportNewKeyRejected")) {
            // The key created while Veryfi rejected new keys stays rejected: the re-run resumes it,
            // rejects and discards it again (a safe, alerted end with one key). The next run then
            // rotates normally.
            checker.checkEnd("end of the first re-run", List.of(second));
            second = checker.watch(harness.start(secretId, FAST), RUN_TIMEOUT);
        }
        harness.awaitNoVeryfiCallInFlight(account.clientId());
        checker.checkEnd("end of the re-run", List.of(second));
        String rerun;
        List<Long> live = harness.veryfi.liveKeyIds(account.clientId());
        Long current = harness.keyIdsByStage(secretId).get("AWSCURRENT");
        if (second.status() == ExecutionStatus.SUCCEEDED
                && second.statesEntered().contains("Rotated")
                && live.size() == 1
                && live.get(0).equals(current)) {
            rerun = "SUCCEEDED, 1 key";
        } else {
            rerun = "NOT CONVERGED";
            extra.add(
                    "re-run did not converge: "
                            + second.status()
                            + " "
                            + second.statesEntered()
                            + " live "
                            + live
                            + " stages "
                            + harness.keyIdsByStage(secretId));
        }
        List<String> violations = new ArrayList<>(checker.violations());
        violations.addAll(extra);
        harness.retire(account);
        return new Outcome(
                s,
                firstOutcome,
                rerun,
                completed && violations.isEmpty(),
                safe && violations.isEmpty(),
                violations,
                InvariantChecker.leaksIn(harness, List.of(first, second)),
                checker.checks(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The result of the last alert about the account, or null if none was sent. Read once, not
     * waited for: alerts go out from a Report state of the run, which has ended, and moto delivers
     * a message to the subscribed queue within the Publish call, so every alert is there by now.
     */
    private static String alertResult(String secretId) {
        var alerts = harness.alertsFor(secretId);
        return alerts.isEmpty() ? null : alerts.get(alerts.size() - 1).path("result").asText();
    }

    private static final java.util.Set<HistoryEventType> LAMBDA_ENDS =
            java.util.EnumSet.of(
                    HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED,
                    HistoryEventType.LAMBDA_FUNCTION_FAILED,
                    HistoryEventType.LAMBDA_FUNCTION_TIMED_OUT);

    /**
     * Waits until the Lambda invocation in flight when the execution was stopped has returned: its
     * end joins the history after the stop. (Moto only reports the execution ABORTED once it has,
     * so this is usually true at once; the test does not lean on that.)
     */
    private static void awaitStoppedStepEnded(String executionArn) {
        await("the end of the step stopped mid-flight in " + executionArn)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            List<HistoryEvent> history =
                                    harness.execution(executionArn, null).history();
                            int lastStart = -1;
                            for (int i = 0; i < history.size(); i++) {
                                if (history.get(i).type()
                                        == HistoryEventType.LAMBDA_FUNCTION_STARTED) {
                                    lastStart = i;
                                }
                            }
                            return lastStart >= 0
                                    && history.subList(lastStart, history.size()).stream()
                                            .anyMatch(e -> LAMBDA_ENDS.contains(e.type()));
                        });
    }

    /**
     * Runs on the invocation's thread, before the handler: the fault is in place for this very
     * step.
     */
    private static void inject(
            Scenario s,
            RotationHarness.Account account,
            String jsonMarker,
            String formMarker,
            CompletableFuture<String> arn)
            throws Exception {
        String clientId = account.clientId();
        Endpoint ep = s.step().veryfi();
        String op = s.step().awsOperation();
        boolean sns = op != null && op.startsWith("sns.");
        String marker = sns ? formMarker : jsonMarker;
        switch (s.kind()) {
            case VERYFI_429 ->
                    harness.veryfi.inject(
                            Fault.rateLimit(ep, Duration.ofSeconds(1))
                                    .times(2)
                                    .forAccount(clientId));
            // 5 in a row: more than the client's 4 attempts, so the state machine's Retry is
            // exercised too
            case VERYFI_5XX ->
                    harness.veryfi.inject(Fault.serverError(ep, 503).times(5).forAccount(clientId));
            case VERYFI_5XX_PERSISTENT ->
                    harness.veryfi.inject(Fault.serverError(ep, 500).always().forAccount(clientId));
            case VERYFI_TIMEOUT ->
                    harness.veryfi.inject(
                            Fault.latency(
                                            ep,
                                            VeryfiKeysClient.create()
                                                    .requestTimeout()
                                                    .plusMillis(1000))
                                    .times(1)
                                    .forAccount(clientId));
            case VERYFI_DROP -> harness.veryfi.inject(Fault.drop(ep).times(2).forAccount(clientId));
            case VERYFI_DROP_AFTER_COMMIT ->
                    harness.veryfi.inject(Fault.dropAfterCommit(ep).times(1).forAccount(clientId));
            // 4 in a row: more than the SDK's own 3 attempts
            case AWS_5XX ->
                    host.injectAwsFault(
                            AwsFault.of(op, 500, sns ? "InternalError" : "InternalServiceError")
                                    .times(4)
                                    .forFunction(s.step().function())
                                    .whenBodyContains(marker));
            case AWS_5XX_PERSISTENT ->
                    host.injectAwsFault(
                            AwsFault.of(op, 500, sns ? "InternalError" : "InternalServiceError")
                                    .always()
                                    .forFunction(s.step().function())
                                    .whenBodyContains(marker));
            case HANDLER_THROWS -> {
                if (op == null) {
                    throw new IllegalStateException(
                            "injected: the handler of " + s.step().state() + " throws");
                }
                host.injectAwsFault(
                        AwsFault.of(op, 400, sns ? "InvalidParameter" : "InvalidRequestException")
                                .forFunction(s.step().function())
                                .whenBodyContains(marker));
            }
            case STOP_AND_RERUN -> {
                // The first step may be invoked before StartExecution has answered with the ARN.
                String execution = arn.get(10, TimeUnit.SECONDS);
                // Stopped while this step's Lambda is in flight: the step still runs to its end
                // afterwards.
                harness.sfn.stopExecution(
                        b -> b.executionArn(execution).cause("safety test: stopped mid-step"));
            }
        }
    }
}
