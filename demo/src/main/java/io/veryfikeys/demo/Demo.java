package io.veryfikeys.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.cli.ExecutionFollower;
import io.veryfikeys.cli.Executions;
import io.veryfikeys.cli.SecretStages;
import io.veryfikeys.cli.VeryfiKeysCli;
import io.veryfikeys.consumer.VeryfiKey;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.Log;
import picocli.CommandLine;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole system on this machine, in one command ({@code ./demo}): moto with ASL execution, the
 * Lambda host running the real handlers, the Veryfi simulator, three simulated consumers that pick
 * up a new key after different delays, a demo account's secret and registry, the real rotation
 * state machine, and one rotation followed live to a plain report.
 */
public final class Demo {
    static final String ACCOUNT = "veryfi/demo";
    static final Map<String, Object> SETTINGS =
            new LinkedHashMap<>(
                    Map.of(
                            "pollIntervalSeconds",
                            1,
                            "requiredHealthyPolls",
                            3,
                            "pollTimeoutSeconds",
                            60,
                            "gracePeriodSeconds",
                            2));

    /** Consumer name and how long after a new key appears it starts using it. */
    static final Map<String, Duration> CONSUMERS = new LinkedHashMap<>();

    /** The consumer library as a worker without an endpoint: it checks in. */
    static final String WORKER = "invoice-worker";

    /** A partner's system that a person updates: the demo confirms it, as an operator would. */
    static final String PARTNER = "acme-partner";

    static {
        CONSUMERS.put("payroll-api", Duration.ZERO);
        CONSUMERS.put("hr-sync", Duration.ofSeconds(2));
        CONSUMERS.put("expenses-batch", Duration.ofSeconds(5));
    }

    /**
     * Given to every function's sandbox: verification retries quickly (2 s between tries in AWS).
     */
    static final Map<String, String> TUNING =
            Map.of("VERIFY_RETRY_DELAY_MILLIS", "100", "STORE_RETRY_BASE_MILLIS", "50");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the demo prints (its test reads the report). */
    static PrintStream OUT = System.out;

    private static volatile boolean finished;
    private static volatile boolean shuttingDown;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private LocalAwsStack stack;
    private Path localFile;

    public static void main(String[] args) {
        boolean keepRunning = false;
        for (String a : args) {
            switch (a) {
                case "--keep-running" -> keepRunning = true;
                case "-h", "--help" -> {
                    OUT.println(
                            "usage: ./demo [--keep-running] [--no-build]\n"
                                    + "  --keep-running  leave the local stack up after the rotation, for the CLI (Ctrl-C stops it)\n"
                                    + "  --no-build      skip 'mvn install' (the script handles this flag)");
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        Demo demo = new Demo();
        Thread hook =
                new Thread(
                        () -> {
                            shuttingDown = true;
                            if (!finished) OUT.println("\nInterrupted: stopping the local stack.");
                            demo.close();
                            if (!finished)
                                OUT.println(
                                        "Stopped: moto and the Lambda host are down, no process left.");
                        },
                        "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = demo.run(keepRunning);
        } catch (Exception | Error e) {
            if (shuttingDown) waitForHalt();
            OUT.println("Demo failed: " + e.getMessage());
            code = 1;
        }
        finished = true;
        demo.close();
        OUT.println(
                code == 0
                        ? "Stopped the local stack (moto and the Lambda host): no process left behind."
                        : "Stopped the local stack; the demo did not succeed (exit " + code + ").");
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(code);
    }

    /**
     * Ctrl-C: the shutdown hook is closing everything and the JVM halts when it is done; say
     * nothing more.
     */
    private static void waitForHalt() {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
    }

    int run(boolean keepRunning) throws Exception {
        long begin = System.nanoTime();
        Path root = LocalAwsStackExtension.findTemplate().getParent();
        Path target = root.resolve("target");
        Path logs = target.resolve("demo");
        Files.createDirectories(logs);
        Path handlerLog = logs.resolve("handlers.log");
        PrintStream handlerOut =
                new PrintStream(
                        new FileOutputStream(handlerLog.toFile()), true, StandardCharsets.UTF_8);
        resources.add(handlerOut);
        Log.redirect(handlerOut);

        OUT.println("Veryfi key rotation: local demo (no AWS account, no Docker)");
        OUT.println();
        try {
            stack = LocalAwsStack.start(root.resolve("template.yaml"), Map.of(), 0);
        } catch (IllegalStateException e) {
            OUT.println(e.getMessage());
            return 1;
        }
        OUT.printf(
                "  %-14s moto %s with ASL execution (log %s)%n",
                "AWS APIs", stack.motoEndpoint(), root.relativize(stack.motoServer().logFile()));
        TUNING.forEach(stack.lambdaHost()::environmentOverride);
        stack.lambdaHost().addLogListener((function, line) -> handlerOut.println(line));
        OUT.printf(
                "  %-14s %s runs the %d functions from functions/target/lambda, each in sandboxes of its own%n"
                        + "  %-14s (own JVM through the Lambda Runtime Interface Client, SnapStart hooks, container credentials;%n"
                        + "  %-14s  function logs -> %s)%n",
                "Lambda host",
                stack.endpoint(),
                stack.template().functions().size(),
                "",
                "",
                root.relativize(handlerLog));

        VeryfiSimulator veryfi = VeryfiSimulator.start(0);
        stack.localTestMode(veryfi.baseUrl());
        resources.add(0, veryfi);
        SimulatedKey firstKey = veryfi.createAccount("vf_demo", "demo-bot", "demo-client-secret");
        OUT.printf(
                "  %-14s simulator %s, client vf_demo, live keys %s%n",
                "Veryfi", veryfi.baseUrl(), veryfi.liveKeyIds("vf_demo"));

        ObjectNode secret =
                JSON.createObjectNode()
                        .put("clientId", "vf_demo")
                        .put("username", "demo-bot")
                        .put("apiKey", firstKey.value())
                        .put("apiKeyId", firstKey.id())
                        .put("clientSecret", "demo-client-secret")
                        .put("baseUrl", veryfi.baseUrl().toString());
        stack.secretsManager()
                .createSecret(
                        b ->
                                b.name(ACCOUNT)
                                        .secretString(secret.toString())
                                        .tags(
                                                Tag.builder()
                                                        .key("veryfi-key-rotation")
                                                        .value("enabled")
                                                        .build()));
        OUT.printf("  %-14s %s, AWSCURRENT = key %d%n", "secret", ACCOUNT, firstKey.id());

        List<SimulatedConsumer> consumers = new ArrayList<>();
        for (Map.Entry<String, Duration> c : CONSUMERS.entrySet()) {
            SimulatedConsumer consumer =
                    SimulatedConsumer.start(
                            c.getKey(),
                            this::currentCredentials,
                            c.getValue(),
                            Duration.ofMillis(200));
            consumers.add(consumer);
            resources.add(0, consumer);
        }
        String registry =
                JSON.createObjectNode()
                        .set(
                                "consumers",
                                JSON.valueToTree(
                                        consumers.stream()
                                                .map(
                                                        c ->
                                                                Map.of(
                                                                        "name",
                                                                        c.name(),
                                                                        "healthUrl",
                                                                        c.healthUrl().toString()))
                                                .toList()))
                        .toString();
        // Issue 16: a worker without an endpoint (the consumer library, checking in) and a
        // partner system that a person updates (confirmed with veryfi-keys confirm).
        ObjectNode withOthers = (ObjectNode) JSON.readTree(registry);
        withOthers
                .withArray("consumers")
                .addObject()
                .put("name", WORKER)
                .put("contract", "check-in")
                .put("maxAgeSeconds", 60);
        withOthers
                .withArray("consumers")
                .addObject()
                .put("name", PARTNER)
                .put("contract", "manual");
        String registryDocument = withOthers.toString();
        String parameter = "/veryfi-key-rotation/consumers/" + ACCOUNT;
        SsmClient ssm = stack.client(SsmClient::builder);
        ssm.putParameter(
                b -> b.name(parameter).type("String").value(registryDocument).overwrite(true));
        VeryfiKey worker =
                VeryfiKey.forSecret(ACCOUNT)
                        .secretsManager(stack.secretsManager())
                        .refreshEvery(Duration.ofSeconds(1))
                        .checkIn(WORKER, stack.tableName("CheckInsTable"))
                        .checkInEndpoint(stack.endpoint())
                        .start();
        resources.add(0, worker);
        AtomicLong workerCalls = new AtomicLong();
        AtomicLong workerRefused = new AtomicLong();
        ScheduledExecutorService workerLoop = Executors.newSingleThreadScheduledExecutor();
        resources.add(0, workerLoop::shutdownNow);
        workerLoop.scheduleWithFixedDelay(
                () -> {
                    try {
                        int status =
                                worker.send("GET", "/api/v8/partner/client-keys", null)
                                        .statusCode();
                        workerCalls.incrementAndGet();
                        if (status == 401 || status == 403) workerRefused.incrementAndGet();
                    } catch (Exception e) {
                        workerRefused.incrementAndGet();
                    }
                },
                0,
                200,
                TimeUnit.MILLISECONDS);
        OUT.printf("  %-14s %s in SSM %s%n", "consumers", describeConsumers(), parameter);

        String stateMachineArn = stack.deployStateMachine("RotationStateMachine");
        String fleetArn =
                stack.deployStateMachine(
                        "FleetStateMachine"); // with its schedule rule (not fired here)
        OUT.printf(
                "  %-14s %s and %s from statemachine/*.asl.json with template.yaml's substitutions%n",
                "state machines",
                stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1),
                fleetArn.substring(fleetArn.lastIndexOf(':') + 1));
        // The demo's on-call inbox: a queue subscribed to the alerts topic (confirmed at once, as
        // SQS is).
        stack.subscribeQueue(stack.topicArn("AlertsTopic"));
        // What a team's EventBridge rule would route: the stack's lifecycle events, to a queue.
        String eventSource = stack.environment().get("EVENT_SOURCE");
        io.veryfikeys.localstack.EventCapture events = stack.captureEvents(eventSource);
        OUT.printf("  %-14s %.1f s%n", "ready in", (System.nanoTime() - begin) / 1e9);
        OUT.println();

        OUT.printf(
                "Rotating %s with demo settings: poll consumers every %s s, %s healthy polls in a row, "
                        + "give up after %s s, grace period %s s%n  (a deployed stack defaults to 120 s, 3, 24 h, 1 h)%n",
                ACCOUNT,
                SETTINGS.get("pollIntervalSeconds"),
                SETTINGS.get("requiredHealthyPolls"),
                SETTINGS.get("pollTimeoutSeconds"),
                SETTINGS.get("gracePeriodSeconds"));
        ObjectNode input = JSON.valueToTree(SETTINGS);
        input.put("secretId", ACCOUNT);
        long rotationStart = System.nanoTime();
        String executionArn =
                stack.sfn()
                        .startExecution(
                                b -> b.stateMachineArn(stateMachineArn).input(input.toString()))
                        .executionArn();
        OUT.println("  execution " + executionArn);

        Map<String, Long> reported = new LinkedHashMap<>();
        Map<String, Instant> switchedAt = new LinkedHashMap<>();
        for (SimulatedConsumer c : consumers) reported.put(c.name(), firstKey.id());
        Instant[] promotedAt = {null};
        boolean[] confirmed = {false};
        ExecutionStatus status =
                new ExecutionFollower(stack.sfn(), Duration.ofMillis(200))
                        .follow(
                                executionArn,
                                Duration.ofMinutes(3),
                                new ExecutionFollower.Listener() {
                                    @Override
                                    public void stateEntered(Instant at, String state) {
                                        OUT.printf("  %6s  > %s%n", elapsed(rotationStart), state);
                                    }

                                    @Override
                                    public void stepResult(
                                            Instant at, String state, String detail) {
                                        if ("Promote".equals(state)) promotedAt[0] = at;
                                        if (detail != null)
                                            OUT.printf("  %6s      %s%n", "", detail);
                                    }

                                    @Override
                                    public boolean tick() {
                                        if (promotedAt[0] != null
                                                && !confirmed[0]
                                                && Duration.between(promotedAt[0], Instant.now())
                                                                .toSeconds()
                                                        >= 3) {
                                            confirmed[0] = true;
                                            long newKey =
                                                    SecretStages.read(
                                                                    stack.secretsManager(), ACCOUNT)
                                                            .stream()
                                                            .filter(
                                                                    st ->
                                                                            st.stage()
                                                                                    .equals(
                                                                                            "AWSCURRENT"))
                                                            .findFirst()
                                                            .orElseThrow()
                                                            .keyId();
                                            int code =
                                                    new CommandLine(new VeryfiKeysCli())
                                                            .setOut(
                                                                    new java.io.PrintWriter(
                                                                            java.io.Writer
                                                                                    .nullWriter()))
                                                            .execute(
                                                                    "--local",
                                                                    "--endpoint",
                                                                    stack.endpoint().toString(),
                                                                    "confirm",
                                                                    ACCOUNT,
                                                                    PARTNER,
                                                                    "--key-id",
                                                                    Long.toString(newKey));
                                            OUT.printf(
                                                    "  %6s    ~ operator: veryfi-keys confirm %s %s --key-id %d%s%n",
                                                    elapsed(rotationStart),
                                                    ACCOUNT,
                                                    PARTNER,
                                                    newKey,
                                                    code == 0 ? "" : " FAILED (exit " + code + ")");
                                        }
                                        for (SimulatedConsumer c : consumers) {
                                            JsonNode health = health(c.healthUrl());
                                            if (health == null) continue;
                                            long keyId = health.path("keyId").asLong();
                                            Long before = reported.put(c.name(), keyId);
                                            if (before != null && before != keyId) {
                                                switchedAt.put(c.name(), Instant.now());
                                                OUT.printf(
                                                        "  %6s    ~ consumer %-15s now reports key %d (was %d), %s%n",
                                                        elapsed(rotationStart),
                                                        c.name(),
                                                        keyId,
                                                        before,
                                                        health.path("healthy").asBoolean()
                                                                ? "healthy"
                                                                : "UNHEALTHY");
                                            }
                                        }
                                        return true;
                                    }
                                });
        double rotationSeconds = (System.nanoTime() - rotationStart) / 1e9;

        Executions.Run run = new Executions(stack.sfn(), stateMachineArn).describe(executionArn);
        List<SecretStages.Stage> stages = SecretStages.read(stack.secretsManager(), ACCOUNT);
        List<Long> live = veryfi.liveKeyIds("vf_demo");
        long rejected =
                consumers.stream().mapToLong(SimulatedConsumer::rejectedCalls).sum()
                        + workerRefused.get();
        OUT.println();
        OUT.println("Report");
        OUT.printf(
                "  %-12s %s (execution %s)%n",
                "result",
                status == ExecutionStatus.RUNNING ? "STILL RUNNING after 3 min" : run.outcome(),
                run.name());
        OUT.printf(
                "  %-12s %s -> %s   (Veryfi live keys now: %s)%n",
                "key", firstKey.id(), run.newKeyId() == null ? "-" : run.newKeyId(), live);
        OUT.printf(
                "  %-12s %s%n",
                "secret",
                String.join(
                        ", ",
                        stages.stream()
                                .map(
                                        s ->
                                                s.stage()
                                                        + " = key "
                                                        + s.keyId()
                                                        + (live.contains(s.keyId())
                                                                ? ""
                                                                : " (deleted at Veryfi)"))
                                .toList()));
        for (SimulatedConsumer c : consumers) {
            JsonNode health = health(c.healthUrl());
            OUT.printf(
                    "  %-12s %-15s lag %-4s now on key %-3s %-9s switched %-25s Veryfi calls: %d accepted, %d rejected%n",
                    consumers.indexOf(c) == 0 ? "consumers" : "",
                    c.name(),
                    CONSUMERS.get(c.name()).toSeconds() + " s",
                    health == null ? "?" : health.path("keyId").asText(),
                    health == null
                            ? "unreachable"
                            : health.path("healthy").asBoolean() ? "healthy," : "UNHEALTHY,",
                    switchedAt.containsKey(c.name()) && promotedAt[0] != null
                            ? String.format(
                                    "%.1f s after promotion,",
                                    Math.max(
                                                    0,
                                                    Duration.between(
                                                                    promotedAt[0],
                                                                    switchedAt.get(c.name()))
                                                            .toMillis())
                                            / 1000.0)
                            : "never,",
                    c.acceptedCalls(),
                    c.rejectedCalls());
        }
        OUT.printf(
                "  %-12s %-15s check-in   now on key %-3s Veryfi calls through the library: %d, refused %d%n",
                "", WORKER, worker.current().keyId(), workerCalls.get(), workerRefused.get());
        OUT.printf(
                "  %-12s %s (EventBridge, source %s)%n",
                "events",
                String.join(
                        ", ",
                        events.events().stream()
                                .filter(
                                        e ->
                                                ACCOUNT.equals(
                                                        e.path("detail").path("account").asText()))
                                .map(e -> e.path("detail-type").asText())
                                .toList()),
                eventSource);
        List<String> verified = verifiedBy(executionArn);
        for (int i = 0; i < verified.size(); i++)
            OUT.printf("  %-12s %s%n", i == 0 ? "verified" : "", verified.get(i));
        Map<String, List<Long>> sandboxes = stack.lambdaHost().sandboxProcesses();
        OUT.printf(
                "  %-12s %d JVMs, one per sandbox (pids: %s)%n",
                "sandboxes", sandboxes.values().stream().mapToInt(List::size).sum(), sandboxes);
        OUT.printf(
                "  %-12s rotation %.1f s, whole demo %.1f s%n",
                "duration", rotationSeconds, (System.nanoTime() - begin) / 1e9);
        boolean ok = run.succeeded() && rejected == 0;
        OUT.printf(
                "  %-12s %s%n",
                "outcome",
                ok
                        ? "SUCCESS: new key in place, old key deleted, no consumer was ever rejected by Veryfi"
                        : "FAILED: "
                                + run.outcome()
                                + (rejected > 0 ? ", " + rejected + " consumer calls rejected" : "")
                                + (run.cause() == null ? "" : " (" + run.cause() + ")"));
        OUT.println("  handler logs (JSON, key ids only): " + root.relativize(handlerLog));

        if (keepRunning && ok) keepRunning(root, stateMachineArn);
        return ok ? 0 : 1;
    }

    /** How each consumer was verified, from the last PollConsumers output in the history. */
    private List<String> verifiedBy(String executionArn) {
        List<String> verified = new ArrayList<>();
        for (var event :
                stack.sfn()
                        .getExecutionHistoryPaginator(b -> b.executionArn(executionArn))
                        .events()) {
            var exited = event.stateExitedEventDetails();
            if (exited == null || !"PollConsumers".equals(exited.name())) continue;
            try {
                JsonNode found = JSON.readTree(exited.output()).path("poll").path("verified");
                if (found.isArray()) {
                    verified.clear();
                    found.forEach(v -> verified.add(v.asText()));
                }
            } catch (Exception e) {
                // not JSON: nothing to show
            }
        }
        return verified;
    }

    private void keepRunning(Path root, String stateMachineArn)
            throws IOException, InterruptedException {
        localFile = root.resolve("target/local-stack.json");
        ObjectNode file =
                JSON.createObjectNode()
                        .put("endpoint", stack.endpoint().toString())
                        .put("region", stack.region().id())
                        .put("stateMachineArn", stateMachineArn)
                        .put("resetFunctionName", "ResetFunction")
                        .put(
                                "fleetStateMachineArn",
                                stack.resolver().stateMachineArn("FleetStateMachine"))
                        .put("alertsTopicArn", stack.topicArn("AlertsTopic"))
                        .put("accessKeyId", stack.clientCredentials().accessKeyId())
                        .put("secretAccessKey", stack.clientCredentials().secretAccessKey());
        file.putArray("accounts").add(ACCOUNT);
        Files.writeString(localFile, file.toPrettyString());
        OUT.println();
        OUT.println(
                "The local stack keeps running (Ctrl-C stops it). Its endpoint and ARNs are in "
                        + root.relativize(localFile)
                        + ", which --local reads. In another terminal, from "
                        + root
                        + ":");
        OUT.println("  alias veryfi-keys='" + root.resolve("bin/veryfi-keys") + "'");
        OUT.println("  veryfi-keys --local doctor");
        OUT.println("  veryfi-keys --local status " + ACCOUNT);
        OUT.println(
                "  veryfi-keys --local rotate "
                        + ACCOUNT
                        + " --poll-interval 1 --healthy-polls 2 --poll-timeout 60 --grace-period 0");
        OUT.println("  veryfi-keys --local history " + ACCOUNT);
        OUT.println(
                "  veryfi-keys --local reset "
                        + ACCOUNT
                        + " --reason \"demo incident\" --confirm "
                        + ACCOUNT);
        OUT.println("  (or anywhere: --local --endpoint " + stack.endpoint() + ")");
        new CountDownLatch(1).await();
    }

    private String describeConsumers() {
        List<String> parts = new ArrayList<>();
        CONSUMERS.forEach((name, lag) -> parts.add(name + " (lag " + lag.toSeconds() + " s)"));
        return String.join(", ", parts);
    }

    private SimulatedConsumer.Credentials currentCredentials() {
        return SimulatedConsumer.Credentials.fromSecretString(
                ACCOUNT,
                stack.secretsManager()
                        .getSecretValue(b -> b.secretId(ACCOUNT).versionStage("AWSCURRENT"))
                        .secretString());
    }

    /**
     * What the consumer's health endpoint reports: the contract the PollConsumers step reads too.
     */
    private JsonNode health(URI url) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(1))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String elapsed(long start) {
        return String.format("+%.1fs", (System.nanoTime() - start) / 1e9);
    }

    synchronized void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        resources.clear();
        if (stack != null) stack.close();
        if (localFile != null) {
            try {
                Files.deleteIfExists(localFile);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
