package io.veryfikeys.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.LambdaHost;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.simulator.RecordedRequest;
import io.veryfikeys.simulator.VeryfiSimulator;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Issue 15's fleet benchmark: N simulated accounts rotated by one fleet run on the local stack (the
 * real fleet and rotation definitions executed by moto, every function in its own sandbox JVM),
 * grace 0, Veryfi's simulator limited to a request rate. Prints the wall time, the busiest second
 * at the simulator, the 429s, and Lambda invocations and state transitions per account.
 *
 * <pre>
 *   benchmarks/fleet                         1,000 accounts, simulator at 20 req/s, budget 20
 *   benchmarks/fleet --accounts 20           the CI smoke's size
 * </pre>
 *
 * Exits 1 when an account failed or a second went over the budget.
 */
public final class FleetBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param maxConcurrency the fleet's MaxConcurrency. Default 200, not the template's 1,000: moto
     *     runs each in-flight Map iteration on Python threads of its one process (4,700 threads
     *     with 1,000 in flight, and its engine then answered ListExecutions in 4-8 s, so that every
     *     Plan timed out). With grace 0 a rotation takes well under a minute here, and 200 in
     *     flight keep up with the starts the request budget allows (20 req/s, 4 requests a
     *     rotation: 5 starts a second).
     */
    record Options(
            int accounts,
            int simulatorLimit,
            int budget,
            int maxConcurrency,
            int sandboxesPerFunction) {
        Options(int accounts, int simulatorLimit, int budget) {
            this(accounts, simulatorLimit, budget, 200, 4);
        }

        /** The CI smoke's: fewer sandboxes, whose cold starts were most of its CPU. */
        Options withSandboxesPerFunction(int n) {
            return new Options(accounts, simulatorLimit, budget, maxConcurrency, n);
        }

        static Options parse(String[] args) {
            int accounts = 1000;
            int limit = 20;
            int budget = 20;
            int concurrency = 200;
            int sandboxes = 4;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--accounts" -> accounts = Integer.parseInt(args[++i]);
                    case "--simulator-limit" -> limit = Integer.parseInt(args[++i]);
                    case "--budget" -> budget = Integer.parseInt(args[++i]);
                    case "--max-concurrency" -> concurrency = Integer.parseInt(args[++i]);
                    case "--sandboxes-per-function" -> sandboxes = Integer.parseInt(args[++i]);
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown option "
                                            + args[i]
                                            + " (--accounts N, --simulator-limit R, --budget R,"
                                            + " --max-concurrency N, --sandboxes-per-function N)");
                }
            }
            return new Options(accounts, limit, budget, concurrency, sandboxes);
        }
    }

    /** What one run measured. */
    record Result(
            int accounts,
            int budget,
            int simulatorLimit,
            int maxConcurrency,
            long wallMillis,
            long spreadSeconds,
            int peakPerSecond,
            long secondsOverBudget,
            long requests,
            long rateLimited,
            double invocationsPerAccount,
            double transitionsPerAccount,
            int rotated,
            int notRotated,
            CpuSeconds cpu,
            String report) {
        boolean passed() {
            return notRotated == 0 && secondsOverBudget == 0;
        }
    }

    /**
     * CPU time spent during the fleet run by moto (AWS's APIs and the ASL engine), by the
     * functions' sandbox JVMs still alive at its end, and by this JVM (the Lambda host and the
     * simulator): on a 2-core machine their sum over two is the least wall time the run could take.
     */
    record CpuSeconds(double moto, double sandboxes, double host) {
        static CpuSeconds now(LocalAwsStack stack) {
            java.util.Set<Long> motoPids = new java.util.HashSet<>();
            motoPids.add(stack.motoServer().pid());
            stack.stepFunctionsServer().ifPresent(m -> motoPids.add(m.pid()));
            double moto = cpu(motoPids.stream().flatMap(pid -> ProcessHandle.of(pid).stream()));
            double sandboxes =
                    cpu(
                            ProcessHandle.current()
                                    .descendants()
                                    .filter(p -> !motoPids.contains(p.pid()))
                                    .filter(p -> p.info().command().orElse("").endsWith("java")));
            return new CpuSeconds(
                    moto, sandboxes, cpu(java.util.stream.Stream.of(ProcessHandle.current())));
        }

        private static double cpu(java.util.stream.Stream<ProcessHandle> processes) {
            return processes
                            .mapToLong(
                                    p ->
                                            p.info()
                                                    .totalCpuDuration()
                                                    .map(Duration::toMillis)
                                                    .orElse(0L))
                            .sum()
                    / 1000.0;
        }

        CpuSeconds minus(CpuSeconds before) {
            return new CpuSeconds(
                    moto - before.moto, sandboxes - before.sandboxes, host - before.host);
        }
    }

    private FleetBenchmark() {}

    public static void main(String[] args) throws Exception {
        Result result = run(Options.parse(args));
        System.out.println(table(result));
        System.exit(result.passed() ? 0 : 1);
    }

    public static Result run(Options options) throws Exception {
        Path repo = Benchmark.moduleDirectory().getParent();
        Path work = Files.createDirectories(Benchmark.moduleDirectory().resolve("target"));
        io.veryfikeys.support.Log.redirect(
                new java.io.PrintStream(
                        Files.newOutputStream(work.resolve("fleet-in-process.log")),
                        true,
                        StandardCharsets.UTF_8));
        Benchmark.TUNING.forEach(System::setProperty);
        Benchmark.log("fleet: starting the local stack and the Veryfi simulator");
        try (LocalAwsStack stack =
                        LocalAwsStack.start(
                                repo.resolve("template.yaml"),
                                Map.of(
                                        "VeryfiRequestsPerSecond",
                                        Integer.toString(options.budget()),
                                        "MaxConcurrency",
                                        Integer.toString(options.maxConcurrency())),
                                0,
                                LocalAwsStack.Options.defaults()
                                        .mode(LambdaHost.Mode.SANDBOX)
                                        .maxSandboxesPerFunction(options.sandboxesPerFunction())
                                        .splitMoto(true));
                VeryfiSimulator veryfi = VeryfiSimulator.start(0);
                Benchmark.Accounts accounts = new Benchmark.Accounts(stack, veryfi)) {
            stack.localTestMode(veryfi.baseUrl());
            Benchmark.TUNING.forEach(stack.lambdaHost()::environmentOverride);
            Benchmark.log("fleet: creating " + options.accounts() + " accounts");
            for (int i = 0; i < options.accounts(); i++) {
                accounts.create(0, Duration.ofMillis(100));
            }
            String rotation = stack.deployStateMachine("RotationStateMachine");
            String fleet = stack.deployStateMachine("FleetStateMachine");
            veryfi.clearRequests();
            veryfi.rateLimit(options.simulatorLimit());
            stack.lambdaHost().resetInvocationCounts();

            Benchmark.log("fleet: running");
            CpuSeconds cpuBefore = CpuSeconds.now(stack);
            long started = System.nanoTime();
            String arn =
                    stack.sfn()
                            .startExecution(
                                    b ->
                                            b.stateMachineArn(fleet)
                                                    .input(
                                                            "{\"settings\":{\"pollIntervalSeconds\":1,"
                                                                    + "\"requiredHealthyPolls\":1,\"pollTimeoutSeconds\":600,"
                                                                    + "\"gracePeriodSeconds\":0}}"))
                            .executionArn();
            ExecutionStatus status;
            while ((status = stack.sfn().describeExecution(b -> b.executionArn(arn)).status())
                    == ExecutionStatus.RUNNING) {
                Thread.sleep(500);
                if (System.nanoTime() - started > Duration.ofMinutes(60).toNanos()) {
                    throw new IllegalStateException("the fleet run is still running after 60 min");
                }
            }
            long wallMillis = (System.nanoTime() - started) / 1_000_000;
            CpuSeconds cpu = CpuSeconds.now(stack).minus(cpuBefore);
            if (status != ExecutionStatus.SUCCEEDED) {
                StringBuilder failures = new StringBuilder();
                for (HistoryEvent e : Benchmark.execution(stack, arn, status).history()) {
                    String event = e.toString();
                    if (e.typeAsString().contains("Failed")
                            || e.typeAsString().contains("Aborted")) {
                        failures.append("\n  ").append(event, 0, Math.min(event.length(), 1500));
                    }
                }
                throw new IllegalStateException(
                        "the fleet run ended " + status + "; failed events:" + failures);
            }
            JsonNode report =
                    JSON.readTree(stack.sfn().describeExecution(b -> b.executionArn(arn)).output());

            List<RecordedRequest> requests = veryfi.requests();
            SortedMap<Long, Integer> perSecond = veryfi.requestsPerSecond();
            int peak = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            long over = perSecond.values().stream().filter(n -> n > options.budget()).count();
            long limited = requests.stream().filter(r -> r.status() == 429).count();
            int invocations =
                    stack.lambdaHost().invocationCounts().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum();
            Benchmark.log("fleet: counting state transitions");
            long transitions = transitions(stack, arn, status);
            for (ExecutionListItem child :
                    stack.sfn()
                            .listExecutionsPaginator(b -> b.stateMachineArn(rotation))
                            .executions()) {
                transitions += transitions(stack, child.executionArn(), child.status());
            }
            int n = Math.max(1, report.path("accounts").size());
            int rotated = report.path("rotated").asInt();
            return new Result(
                    options.accounts(),
                    options.budget(),
                    options.simulatorLimit(),
                    options.maxConcurrency(),
                    wallMillis,
                    report.path("discovery").path("startsSpreadOverSeconds").asLong(),
                    peak,
                    over,
                    requests.size(),
                    limited,
                    (double) invocations / n,
                    (double) transitions / n,
                    rotated,
                    options.accounts() - rotated,
                    cpu,
                    report.toString().length() > 400
                            ? report.toString().substring(0, 400) + "..."
                            : report.toString());
        }
    }

    /**
     * State transitions as Step Functions bills them: one per state entered. Counts the fleet
     * execution and each rotation; the Map's per-account branches (wait, start, record: three
     * states each) are added by {@link #table}.
     */
    private static long transitions(LocalAwsStack stack, String arn, ExecutionStatus status) {
        return Benchmark.execution(stack, arn, status).history().stream()
                .filter(e -> e.stateEnteredEventDetails() != null)
                .count();
    }

    /** Three states per account in the Map's branch: WaitForTurn, RotateAccount, Rotated. */
    static final int BRANCH_STATES = 3;

    static String table(Result r) {
        double transitions = r.transitionsPerAccount() + BRANCH_STATES;
        // Public prices (us-east-1, 2026): Standard workflows $0.025 per 1,000 transitions; Lambda
        // $0.20 per million requests plus $0.0000166667 per GB-second (1 GB, ~0.2 s a call).
        double sfnPer1000 = transitions * 1000 * 0.025 / 1000;
        double lambdaPer1000 =
                r.invocationsPerAccount() * 1000 * (0.20 / 1_000_000 + 0.2 * 0.0000166667);
        StringBuilder b = new StringBuilder();
        b.append("| figure | value |\n| --- | --- |\n");
        row(b, "accounts", Integer.toString(r.accounts()));
        row(b, "request budget (VeryfiRequestsPerSecond)", r.budget() + " req/s");
        row(b, "simulator's rate limit", r.simulatorLimit() + " req/s");
        row(b, "MaxConcurrency (rotations in flight)", Integer.toString(r.maxConcurrency()));
        row(b, "wall time of the fleet run", String.format("%.1f s", r.wallMillis() / 1000.0));
        row(b, "starts spread over", r.spreadSeconds() + " s");
        row(b, "Veryfi requests", Long.toString(r.requests()));
        row(b, "busiest second at the simulator", r.peakPerSecond() + " req");
        row(b, "seconds over the budget", Long.toString(r.secondsOverBudget()));
        row(b, "429s answered", Long.toString(r.rateLimited()));
        row(b, "Lambda invocations per account", String.format("%.2f", r.invocationsPerAccount()));
        row(b, "state transitions per account", String.format("%.1f", transitions));
        row(b, "rotated / not rotated", r.rotated() + " / " + r.notRotated());
        row(
                b,
                "CPU time: moto / sandbox JVMs / Lambda host and simulator",
                String.format(
                        "%.0f s / %.0f s / %.0f s (per account %.2f / %.2f / %.2f s)",
                        r.cpu().moto(),
                        r.cpu().sandboxes(),
                        r.cpu().host(),
                        r.cpu().moto() / r.accounts(),
                        r.cpu().sandboxes() / r.accounts(),
                        r.cpu().host() / r.accounts()));
        row(
                b,
                "AWS cost per 1,000 accounts (transitions + Lambda)",
                String.format("$%.2f + $%.2f", sfnPer1000, lambdaPer1000));
        b.append("\nreport: ").append(r.report()).append('\n');
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }
}
