package io.veryfikeys.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.localstack.ColdStart;
import io.veryfikeys.localstack.LambdaHost;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Issue 7's benchmark: cold starts of every handler in fresh JVMs against the local stack, the size
 * of the deployable, and what one rotation costs. Prints one table.
 *
 * <pre>
 *   benchmarks/run                 # full run (5 iterations)
 *   benchmarks/run --iterations 7
 *   benchmarks/run --smoke         # one iteration of the optimized build only (CI)
 * </pre>
 */
public final class Benchmark {
    // Public list prices, us-east-1, as published by AWS (not fetched by this tool; free tiers
    // ignored).
    static final double SFN_PER_TRANSITION = 0.025 / 1000; // Step Functions Standard
    static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334; // Lambda, arm64
    static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;
    static final double SECRETS_PER_CALL = 0.05 / 10_000; // Secrets Manager API calls
    static final double SECRETS_PER_SECRET_MONTH = 0.40;
    static final double SNS_PER_PUBLISH = 0.50 / 1_000_000; // SNS standard topic publishes
    static final double EVENTS_PER_EVENT = 1.00 / 1_000_000; // EventBridge custom events
    static final int MEMORY_MB = 1024;

    static final List<String> ORDER =
            List.of(
                    "PlanFunction",
                    "CreateKeyFunction",
                    "VerifyNewKeyFunction",
                    "PromoteFunction",
                    "PollConsumersFunction",
                    "DeleteOldKeyFunction",
                    "RevertFunction",
                    "ReportFunction",
                    "ListAccountsFunction",
                    "ResetFunction");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();
    private static volatile String templateJavaToolOptions = "";
    static final List<String> FAILURES = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * {@code jfrDir}: where each probe JVM writes a JFR recording of its first invocation (issue
     * 18's profiles; null: none).
     */
    record Options(int iterations, boolean smoke, Path jfrDir) {
        Options(int iterations, boolean smoke) {
            this(iterations, smoke, null);
        }

        static Options parse(String[] args) {
            int iterations = 5;
            boolean smoke = false;
            Path jfrDir = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--smoke" -> smoke = true;
                    case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                    case "--jfr" -> jfrDir = Path.of(args[++i]).toAbsolutePath();
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown argument "
                                            + args[i]
                                            + " (use --iterations N, --smoke, --jfr DIR)");
                }
            }
            return new Options(smoke ? 1 : iterations, smoke, jfrDir);
        }
    }

    /** What a run found: the table, and the figures the smoke test checks. */
    record Result(
            String table,
            Map<String, List<Children.Sample>> samples,
            Map<String, List<ColdStart>> sandboxColdStarts,
            long deployableBytes,
            int veryfiCalls,
            long stateTransitions,
            int lambdaInvocations,
            boolean rotationSucceeded) {}

    /**
     * The fleet ListAccounts lists: a fixed number of accounts under a prefix of their own. Under
     * the rotations' prefix, ListAccounts' work (a key-age read per account) grew with every
     * iteration's new accounts (5 AWS calls in the first, 17 in the fifth), and its median with the
     * iteration count.
     */
    static final String LISTED_PREFIX = "veryfi-listed/";

    static final int LISTED_ACCOUNTS = 5;

    /**
     * ListAccounts as the fleet state machine invokes it for the input {@code {}}, with the
     * template's defaults but for the prefix ({@link #LISTED_PREFIX}).
     */
    static final String LIST_ACCOUNTS_EVENT =
            "{\"input\":{},\"deploySettings\":{\"secretNamePrefix\":\""
                    + LISTED_PREFIX
                    + "\","
                    + "\"rotationTagKey\":\"veryfi-key-rotation\",\"rotationTagValue\":\"enabled\",\"maxConcurrency\":\"5\",\"veryfiRequestsPerSecond\":\"10\"}}";

    /** Test tuning given to the sandboxes, as the integration tests give it. */
    static final Map<String, String> TUNING =
            Map.of("VERIFY_RETRY_DELAY_MILLIS", "100", "STORE_RETRY_BASE_MILLIS", "50");

    public static void main(String[] args) throws Exception {
        Result result = run(Options.parse(args));
        System.out.println();
        System.out.println(result.table());
        System.exit(0);
    }

    static String templateJavaToolOptions() {
        return templateJavaToolOptions;
    }

    // ---------------------------------------------------------------------------------------- run

    public static Result run(Options options) throws Exception {
        Path module = moduleDirectory();
        Path repo = module.getParent();
        // A snapshot of the deployable: the checkout is shared, and a rebuild of functions/ during
        // the run must not change (or delete) the classes and jars under the child JVMs.
        Path work = Files.createDirectories(module.resolve("target/benchmark-work"));
        Path deployable = snapshot(functionsLayout(repo), work.resolve("lambda"));
        try (Stream<Path> stale = Files.list(work)) {
            for (Path archive :
                    stale.filter(p -> p.getFileName().toString().startsWith("appcds-")).toList()) {
                Files.delete(archive);
            }
        }
        List<Path> functions = lambdaClasspath(deployable);
        // The handlers that run in this JVM (setup, the counted rotation) log here, not on stdout.
        Path inProcessLog = work.resolve("in-process-handlers.log");
        io.veryfikeys.support.Log.redirect(
                new java.io.PrintStream(
                        Files.newOutputStream(inProcessLog), true, StandardCharsets.UTF_8));
        List<Path> dependencyJars =
                Arrays.stream(
                                Files.readString(module.resolve("target/benchmark-classpath.txt"))
                                        .trim()
                                        .split(java.io.File.pathSeparator))
                        .map(Path::of)
                        .toList();
        Path probe = copyProbeClasses(module);
        Path defaults = compileDefaultsVariant(module, functions);

        List<Path> apache5 = jars(dependencyJars, "apache5-client-", "httpclient5-", "httpcore5-");
        List<Path> crt = jars(dependencyJars, "aws-crt-", "crt-core-");
        // The functions no longer ship the url-connection client either: the probe brings its own.
        List<Path> urlConnection = jars(dependencyJars, "url-connection-client-");
        List<Path> sdkClient =
                jars(
                        dependencyJars,
                        "secretsmanager-",
                        "aws-core-",
                        "aws-json-protocol-",
                        "protocol-core-");
        Children.Variant hello =
                new Children.Variant(
                        "hello",
                        List.of(probe, jars(dependencyJars, "aws-lambda-java-core-").get(0)),
                        false,
                        "");
        Children.Variant optimized =
                new Children.Variant("optimized", concat(List.of(probe), functions), false, "");
        Children.Variant primed =
                new Children.Variant("primed", concat(List.of(probe), functions), true, "");
        List<Path> defaultsPath = new ArrayList<>(concat(List.of(probe, defaults), functions));
        defaultsPath.addAll(apache5);
        Children.Variant sdkDefaults = new Children.Variant("defaults", defaultsPath, false, "");

        TUNING.forEach(System::setProperty);
        log("starting the local stack (moto + Lambda host) and the Veryfi simulator");
        try (LocalAwsStack stack =
                        LocalAwsStack.start(
                                repo.resolve("template.yaml"),
                                Map.of(),
                                0,
                                LocalAwsStack.Options.defaults()
                                        .mode(LambdaHost.Mode.SANDBOX)
                                        .codeRoot(deployable));
                VeryfiSimulator veryfi = VeryfiSimulator.start(0);
                Accounts accounts = new Accounts(stack, veryfi)) {
            stack.localTestMode(veryfi.baseUrl());
            for (int i = 0; i < LISTED_ACCOUNTS; i++) {
                accounts.create(LISTED_PREFIX, 0, Duration.ofMillis(100));
            }
            templateJavaToolOptions = stack.environment().getOrDefault("JAVA_TOOL_OPTIONS", "");
            hello = hello.withOptions("hello", templateJavaToolOptions);
            optimized = optimized.withOptions("optimized", templateJavaToolOptions);
            primed = primed.withOptions("primed", templateJavaToolOptions);
            sdkDefaults = sdkDefaults.withOptions("defaults", templateJavaToolOptions);

            LambdaHost host = stack.lambdaHost();
            String rotation = stack.deployStateMachine("RotationStateMachine");

            // 1: every function's cold starts on the faithful runtime, the way a deployed function
            // starts
            Path sandboxLog = work.resolve("sandbox-functions.log");
            java.io.PrintStream sandboxOut =
                    new java.io.PrintStream(
                            Files.newOutputStream(sandboxLog), true, StandardCharsets.UTF_8);
            host.addLogListener((function, line) -> sandboxOut.println(line));
            TUNING.forEach(host::environmentOverride);
            registerHelloSandbox(host, probe);
            Map<String, List<ColdStart>> sandboxColdStarts = new LinkedHashMap<>();
            Map<String, Long> pacedBySandbox = new LinkedHashMap<>();
            for (int i = 1; i <= options.iterations(); i++) {
                log(
                        "iteration "
                                + i
                                + "/"
                                + options.iterations()
                                + ": cold starts on the faithful runtime");
                accounts.sweep();
                sandboxColdStarts(stack, accounts, rotation, options.smoke(), pacedBySandbox)
                        .forEach(
                                c ->
                                        sandboxColdStarts
                                                .computeIfAbsent(
                                                        c.function(), k -> new ArrayList<>())
                                                .add(c));
            }
            log("counting rotation: sandboxes, SDK calls counted from their logs");
            RotationCount count = countRotation(stack, accounts, veryfi, rotation, sandboxLog);

            // 1a: the same handlers in probe JVMs, for what a sandbox cannot show (builds compared,
            // anatomy). Between cold starts, the setup steps run the handlers in this JVM
            // (ForkingHandler's IN_PROCESS mode), which read the functions' settings from system
            // properties.
            stack.environment()
                    .forEach(
                            (k, v) -> {
                                if (!k.equals("JAVA_TOOL_OPTIONS")) System.setProperty(k, v);
                            });
            Map<String, String> childEnvironment = new LinkedHashMap<>(childEnvironment(stack));
            if (options.jfrDir() != null) {
                Files.createDirectories(options.jfrDir());
                childEnvironment.put("PROBE_JFR_DIR", options.jfrDir().toString());
            }
            Children children =
                    new Children(module.resolve("target/benchmark-work"), childEnvironment);
            ForkingHandler.children = children;
            host.functions()
                    .forEach(
                            (name, cfg) -> {
                                ForkingHandler.HANDLERS.put(name, cfg.handler());
                                host.register(name, ForkingHandler.class.getName(), 600);
                            });

            Map<String, List<Children.Sample>> samples = new LinkedHashMap<>();
            List<Children.Variant> variants =
                    options.smoke() ? List.of(optimized) : List.of(optimized, primed, sdkDefaults);
            List<Children.HttpSample> httpSamples = new ArrayList<>();
            Map<String, List<Children.Sample>> jvmOptions = new LinkedHashMap<>();
            for (int i = 1; i <= options.iterations(); i++) {
                add(
                        samples,
                        children.cold(
                                hello,
                                "HelloFunction",
                                "io.veryfikeys.benchmarks.probe.HelloHandler",
                                "{}".getBytes(StandardCharsets.UTF_8),
                                null));
                for (Children.Variant variant : variants) {
                    accounts.sweep();
                    // The smoke keeps the probe path working with two children; section 1 already
                    // started every function of the rotation, in sandboxes.
                    if (!options.smoke()) {
                        log(
                                "iteration "
                                        + i
                                        + "/"
                                        + options.iterations()
                                        + ", "
                                        + variant.name()
                                        + ": rotation");
                        try {
                            coldRotation(stack, accounts, rotation, variant, samples);
                        } catch (RuntimeException e) {
                            FAILURES.add(
                                    "iteration "
                                            + i
                                            + " "
                                            + variant.name()
                                            + " rotation: "
                                            + e.getMessage());
                            log("FAILED: " + e.getMessage());
                        }
                    }
                    if (!options.smoke()) {
                        log("iteration " + i + ", " + variant.name() + ": revert, list, reset");
                        add(
                                samples,
                                children.cold(
                                        variant,
                                        "RevertFunction",
                                        ForkingHandler.HANDLERS.get("RevertFunction"),
                                        revertEvent(stack, accounts, rotation),
                                        null));
                    }
                    add(
                            samples,
                            children.cold(
                                    variant,
                                    "ListAccountsFunction",
                                    ForkingHandler.HANDLERS.get("ListAccountsFunction"),
                                    LIST_ACCOUNTS_EVENT.getBytes(StandardCharsets.UTF_8),
                                    null));
                    if (!options.smoke()) {
                        add(
                                samples,
                                children.cold(
                                        variant,
                                        "ResetFunction",
                                        ForkingHandler.HANDLERS.get("ResetFunction"),
                                        resetEvent(
                                                accounts.create(0, Duration.ofMillis(100))
                                                        .secretId()),
                                        resetEvent(
                                                accounts.create(0, Duration.ofMillis(100))
                                                        .secretId())));
                    }
                }
                if (!options.smoke()) {
                    log("iteration " + i + ": HTTP clients, JVM options");
                    accounts.sweep();
                    String secretId = accounts.create(0, Duration.ofMillis(100)).secretId();
                    List<Path> httpPath = new ArrayList<>(concat(List.of(probe), functions));
                    httpPath.addAll(crt);
                    httpPath.addAll(urlConnection);
                    // The functions ship no SDK service client any more; this probe compares the
                    // HTTP clients under one (the SDK's Secrets Manager client).
                    httpPath.addAll(sdkClient);
                    for (String client : List.of("urlconnection", "crt")) {
                        try {
                            httpSamples.add(children.http(httpPath, client, secretId));
                        } catch (IllegalStateException e) {
                            log("HTTP client probe " + client + " failed: " + e.getMessage());
                        }
                    }
                    // AppCDS, as a diagnostic: with this handler's classes archived (one training
                    // run, then reused), what is left of the cold start once class loading is
                    // mostly gone. CDS archives only jars, so the probe and the function classes
                    // are jarred for it. Written once per run: CDS rejects an archive whose jars
                    // changed since it was made.
                    Path probeJar = work.resolve("appcds-probe.jar");
                    Path functionsJar = work.resolve("appcds-functions.jar");
                    if (!Files.exists(functionsJar)) {
                        jarOf(probe, probeJar);
                        jarOf(deployable, functionsJar);
                    }
                    List<Path> jarred = new ArrayList<>(List.of(probeJar, functionsJar));
                    jarred.addAll(functions.subList(1, functions.size()));
                    Children.Variant cdsBase = new Children.Variant("appcds", jarred, false, "");
                    for (String function : List.of("ListAccountsFunction", "ResetFunction")) {
                        Path archive = work.resolve("appcds-" + function + ".jsa");
                        if (!Files.exists(archive)) {
                            byte[] event =
                                    function.equals("ResetFunction")
                                            ? resetEvent(
                                                    accounts.create(0, Duration.ofMillis(100))
                                                            .secretId())
                                            : LIST_ACCOUNTS_EVENT.getBytes(StandardCharsets.UTF_8);
                            children.cold(
                                    cdsBase.withOptions(
                                            "appcds-training",
                                            templateJavaToolOptions
                                                    + " -XX:ArchiveClassesAtExit="
                                                    + archive),
                                    function,
                                    ForkingHandler.HANDLERS.get(function),
                                    event,
                                    null);
                        }
                    }
                    for (Children.Variant v :
                            List.of(
                                    optimized.withOptions("jvm-default-tiered", ""),
                                    optimized.withOptions(
                                            "no-cds", templateJavaToolOptions + " -Xshare:off"))) {
                        jvmOptions
                                .computeIfAbsent(
                                        v.name() + "/ListAccountsFunction", k -> new ArrayList<>())
                                .add(
                                        children.cold(
                                                v,
                                                "ListAccountsFunction",
                                                ForkingHandler.HANDLERS.get("ListAccountsFunction"),
                                                LIST_ACCOUNTS_EVENT.getBytes(
                                                        StandardCharsets.UTF_8),
                                                null));
                        jvmOptions
                                .computeIfAbsent(
                                        v.name() + "/ResetFunction", k -> new ArrayList<>())
                                .add(
                                        children.cold(
                                                v,
                                                "ResetFunction",
                                                ForkingHandler.HANDLERS.get("ResetFunction"),
                                                resetEvent(
                                                        accounts.create(0, Duration.ofMillis(100))
                                                                .secretId()),
                                                null));
                    }
                    for (String function : List.of("ListAccountsFunction", "ResetFunction")) {
                        Children.Variant appCds =
                                cdsBase.withOptions(
                                        "appcds",
                                        templateJavaToolOptions
                                                + " -XX:SharedArchiveFile="
                                                + work.resolve("appcds-" + function + ".jsa"));
                        byte[] event =
                                function.equals("ResetFunction")
                                        ? resetEvent(
                                                accounts.create(0, Duration.ofMillis(100))
                                                        .secretId())
                                        : LIST_ACCOUNTS_EVENT.getBytes(StandardCharsets.UTF_8);
                        jvmOptions
                                .computeIfAbsent("appcds/" + function, k -> new ArrayList<>())
                                .add(
                                        children.cold(
                                                appCds,
                                                function,
                                                ForkingHandler.HANDLERS.get(function),
                                                event,
                                                null));
                    }
                }
            }
            synchronized (ForkingHandler.SAMPLES) {
                ForkingHandler.SAMPLES.forEach(s -> add(samples, s));
                ForkingHandler.SAMPLES.clear();
            }
            List<String> failures =
                    samples.values().stream()
                            .flatMap(List::stream)
                            .filter(s -> s.error() != null)
                            .map(s -> s.variant() + "/" + s.function() + ": " + s.error())
                            .toList();
            if (!failures.isEmpty() && options.smoke()) {
                throw new IllegalStateException("child JVMs failed: " + failures);
            }
            FAILURES.addAll(failures);

            String table =
                    new Table(
                                    options,
                                    samples,
                                    sandboxColdStarts,
                                    pacedBySandbox,
                                    httpSamples,
                                    jvmOptions,
                                    deployable,
                                    count,
                                    repo)
                            .render();
            return new Result(
                    table,
                    samples,
                    sandboxColdStarts,
                    zippedSize(deployable),
                    count.veryfiCalls(),
                    count.transitions(),
                    count.invocations().values().stream().mapToInt(Integer::intValue).sum(),
                    count.succeeded());
        }
    }

    /**
     * A hello-world function in a sandbox of the same kind (SnapStart environment, the RIC, 1024
     * MB): the floor the functions' cold starts are compared with. Its code root holds only the
     * probe classes; the RIC brings the Lambda core interfaces.
     */
    private static void registerHelloSandbox(LambdaHost host, Path probe) {
        LambdaHost.FunctionConfig plan = host.functions().get("PlanFunction");
        Map<String, String> env = new LinkedHashMap<>(plan.environment());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "HelloFunction");
        env.put("_HANDLER", "io.veryfikeys.benchmarks.probe.HelloHandler");
        env.put("LAMBDA_TASK_ROOT", probe.toString());
        host.register(
                new LambdaHost.FunctionConfig(
                        "HelloFunction",
                        "io.veryfikeys.benchmarks.probe.HelloHandler",
                        30,
                        plan.memoryMb(),
                        true,
                        probe,
                        env));
    }

    /**
     * One round of cold starts through the sandboxes: every sandbox stopped, then the hello floor,
     * a rotation (its seven functions each start cold), the account listing, a reset and (not in
     * the smoke) a revert, each the first invocation of a new sandbox. Returns those first
     * invocations.
     */
    private static List<ColdStart> sandboxColdStarts(
            LocalAwsStack stack,
            Accounts accounts,
            String rotation,
            boolean smoke,
            Map<String, Long> pacedBySandbox) {
        LambdaHost host = stack.lambdaHost();
        byte[] revert = smoke ? null : revertEvent(stack, accounts, rotation);
        host.coldStartAll();
        int from = host.coldStarts().size();
        // The request budget's deliberate waits before a Veryfi call (veryfi.budget_waited): up to
        // 500 ms when a call comes in the second half of a wall-clock second (issue 15), on warm
        // invocations as much as on cold ones. Each function of the round is invoked once, so its
        // waits belong to its sandbox's first invocation.
        Map<String, Long> pacedByFunction = new java.util.concurrent.ConcurrentHashMap<>();
        LambdaHost.LogListener paced =
                (function, line) -> {
                    if (line.contains("\"veryfi.budget_waited\"")) {
                        pacedByFunction.merge(function, waitedMs(line), Long::sum);
                    }
                };
        host.addLogListener(paced);
        try {
            return sandboxRound(
                    stack, accounts, rotation, revert, from, pacedByFunction, pacedBySandbox);
        } finally {
            host.removeLogListener(paced);
        }
    }

    static final java.util.regex.Pattern WAITED_MS =
            java.util.regex.Pattern.compile("\"waitedMs\":(\\d+)");

    static long waitedMs(String line) {
        java.util.regex.Matcher m = WAITED_MS.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static List<ColdStart> sandboxRound(
            LocalAwsStack stack,
            Accounts accounts,
            String rotation,
            byte[] revert,
            int from,
            Map<String, Long> pacedByFunction,
            Map<String, Long> pacedBySandbox) {
        LambdaHost host = stack.lambdaHost();
        expectOk(stack.invoke("HelloFunction", "{}"), "HelloFunction");
        Accounts.Account account = accounts.create(1, Duration.ofMillis(100));
        Execution execution =
                execute(
                        stack,
                        rotation,
                        account.secretId(),
                        NO_POLL_ITERATIONS,
                        Duration.ofMinutes(10));
        accounts.retire(account);
        if (execution.status() != ExecutionStatus.SUCCEEDED
                || !execution.statesEntered().contains("Rotated")) {
            throw new IllegalStateException(
                    "rotation on the sandboxes did not succeed: "
                            + execution.status()
                            + " "
                            + execution.statesEntered());
        }
        expectOk(stack.invoke("ListAccountsFunction", LIST_ACCOUNTS_EVENT), "ListAccountsFunction");
        expectOk(
                stack.invoke(
                        "ResetFunction",
                        new String(
                                resetEvent(accounts.create(0, Duration.ofMillis(100)).secretId()),
                                StandardCharsets.UTF_8)),
                "ResetFunction");
        if (revert != null)
            expectOk(
                    stack.invoke("RevertFunction", new String(revert, StandardCharsets.UTF_8)),
                    "RevertFunction");
        sleep(300); // the sandboxes' last log lines are still on their way from their processes
        List<ColdStart> all = host.coldStarts();
        List<ColdStart> round = all.subList(from, all.size());
        for (ColdStart c : round) {
            pacedBySandbox.put(c.sandboxId(), pacedByFunction.getOrDefault(c.function(), 0L));
        }
        return List.copyOf(round);
    }

    private static void expectOk(LocalAwsStack.Invocation invocation, String function) {
        if (invocation.status() != 200 || invocation.functionError() != null)
            throw new IllegalStateException(
                    function
                            + " failed in its sandbox: "
                            + invocation.status()
                            + " "
                            + invocation.payload());
    }

    private static void add(Map<String, List<Children.Sample>> samples, Children.Sample sample) {
        samples.computeIfAbsent(sample.variant() + "/" + sample.function(), k -> new ArrayList<>())
                .add(sample);
    }

    // ------------------------------------------------------------------------------ the scenarios

    private static final Map<String, Object> NO_POLL_ITERATIONS =
            Map.of(
                    "requiredHealthyPolls",
                    1,
                    "pollIntervalSeconds",
                    1,
                    "pollTimeoutSeconds",
                    60,
                    "gracePeriodSeconds",
                    0);

    private static void coldRotation(
            LocalAwsStack stack,
            Accounts accounts,
            String rotation,
            Children.Variant variant,
            Map<String, List<Children.Sample>> samples) {
        Accounts.Account account = accounts.create(1, Duration.ofMillis(100));
        ForkingHandler.variant = variant;
        ForkingHandler.mode = ForkingHandler.Mode.FORK;
        try {
            Execution execution =
                    execute(
                            stack,
                            rotation,
                            account.secretId(),
                            NO_POLL_ITERATIONS,
                            Duration.ofMinutes(10));
            if (execution.status() != ExecutionStatus.SUCCEEDED
                    || !execution.statesEntered().contains("Rotated")) {
                throw new IllegalStateException(
                        variant.name()
                                + " rotation did not succeed: "
                                + execution.status()
                                + " "
                                + execution.statesEntered());
            }
        } finally {
            ForkingHandler.mode = ForkingHandler.Mode.IN_PROCESS;
            accounts.retire(account);
        }
    }

    /**
     * The Revert "demote" event of a rotation stopped while it polls consumers (in-process setup).
     */
    private static byte[] revertEvent(LocalAwsStack stack, Accounts accounts, String rotation) {
        Accounts.Account account = accounts.create(1, Duration.ofMillis(100));
        String arn =
                start(
                        stack,
                        rotation,
                        account.secretId(),
                        Map.of(
                                "requiredHealthyPolls",
                                100,
                                "pollIntervalSeconds",
                                60,
                                "pollTimeoutSeconds",
                                3600));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Execution execution;
        do {
            sleep(100);
            execution = execution(stack, arn, null);
        } while (!execution.statesEntered().contains("WaitBeforeNextPoll")
                && System.nanoTime() < deadline);
        stack.sfn().stopExecution(b -> b.executionArn(arn).cause("benchmark: revert from here"));
        accounts.retire(account); // the revert demotes the new key; nothing polls the consumers
        String state = null;
        for (HistoryEvent event : execution.history()) {
            if (event.stateExitedEventDetails() != null
                    && "PollConsumers".equals(event.stateExitedEventDetails().name())) {
                state = event.stateExitedEventDetails().output();
            }
        }
        if (state == null) {
            throw new IllegalStateException(
                    "no PollConsumers output in the history: " + execution.statesEntered());
        }
        try {
            ObjectNode event = JSON.createObjectNode().put("phase", "demote");
            event.set("state", JSON.readTree(state));
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resetEvent(String secretId) {
        return ("{\"secretId\":\""
                        + secretId
                        + "\",\"reason\":\"benchmark\",\"confirm\":\""
                        + secretId
                        + "\",\"idempotencyToken\":\""
                        + UUID.randomUUID()
                        + "\",\"requestedBy\":\"benchmark\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    record RotationCount(
            boolean succeeded,
            List<String> statesEntered,
            long transitions,
            int veryfiCalls,
            List<String> veryfiRequests,
            Map<String, Integer> invocations,
            Map<String, Integer> awsCalls) {}

    private static RotationCount countRotation(
            LocalAwsStack stack,
            Accounts accounts,
            VeryfiSimulator veryfi,
            String rotation,
            Path functionLog) {
        Accounts.Account account = accounts.create(1, Duration.ofMillis(10));
        sleep(200);
        stack.lambdaHost().resetInvocationCounts();
        int before = veryfi.requests().size();
        long logBefore = functionLog.toFile().length();
        Execution execution =
                execute(
                        stack,
                        rotation,
                        account.secretId(),
                        NO_POLL_ITERATIONS,
                        Duration.ofMinutes(3));
        List<String> calls =
                veryfi.requests().subList(before, veryfi.requests().size()).stream()
                        .filter(
                                r ->
                                        account.clientId().equals(r.clientId())
                                                && r.path()
                                                        .startsWith("/api/v8/partner/client-keys"))
                        .map(
                                r ->
                                        r.method()
                                                + " "
                                                + r.path().replaceAll("/\\d+", "/{id}")
                                                + " "
                                                + r.status())
                        .toList();
        accounts.retire(account);
        sleep(300); // the sandboxes' last log lines are still on their way from their processes
        return new RotationCount(
                execution.status() == ExecutionStatus.SUCCEEDED
                        && execution.statesEntered().contains("Rotated"),
                execution.statesEntered(),
                execution.statesEntered().size(),
                calls.size(),
                calls,
                stack.lambdaHost().invocationCounts(),
                AwsCallCounter.count(functionLog, logBefore));
    }

    // ------------------------------------------------------------------------------ executions

    record Execution(String arn, ExecutionStatus status, List<HistoryEvent> history) {
        List<String> statesEntered() {
            return history.stream()
                    .filter(e -> e.stateEnteredEventDetails() != null)
                    .map(e -> e.stateEnteredEventDetails().name())
                    .toList();
        }
    }

    private static String start(
            LocalAwsStack stack,
            String stateMachine,
            String secretId,
            Map<String, Object> overrides) {
        Map<String, Object> input = new LinkedHashMap<>(overrides);
        input.put("secretId", secretId);
        try {
            String body = JSON.writeValueAsString(input);
            return stack.sfn()
                    .startExecution(b -> b.stateMachineArn(stateMachine).input(body))
                    .executionArn();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Execution execute(
            LocalAwsStack stack,
            String stateMachine,
            String secretId,
            Map<String, Object> overrides,
            Duration timeout) {
        String arn = start(stack, stateMachine, secretId, overrides);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ExecutionStatus status =
                    stack.sfn().describeExecution(b -> b.executionArn(arn)).status();
            if (status != ExecutionStatus.RUNNING) {
                return execution(stack, arn, status);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "execution still running after "
                                + timeout
                                + ": "
                                + execution(stack, arn, status).statesEntered());
            }
            sleep(50);
        }
    }

    static Execution execution(LocalAwsStack stack, String arn, ExecutionStatus status) {
        List<HistoryEvent> events = new ArrayList<>();
        stack.sfn()
                .getExecutionHistoryPaginator(b -> b.executionArn(arn).maxResults(1000))
                .forEach(page -> events.addAll(page.events()));
        return new Execution(arn, status, events);
    }

    // ------------------------------------------------------------------------------ accounts

    /** Veryfi accounts with their secret and consumer registry, as RotationHarness sets them up. */
    static final class Accounts implements AutoCloseable {
        record Account(String secretId, String clientId) {}

        private final LocalAwsStack stack;
        private final VeryfiSimulator veryfi;
        private final SsmClient ssm;
        private final Map<String, List<SimulatedConsumer>> consumers =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** The accounts under the rotations' prefix not swept yet, and the most there ever were. */
        private final List<String> live = new java.util.concurrent.CopyOnWriteArrayList<>();

        static final AtomicInteger MOST_LIVE = new AtomicInteger();
        static final AtomicInteger SWEPT = new AtomicInteger();

        Accounts(LocalAwsStack stack, VeryfiSimulator veryfi) {
            this.stack = stack;
            this.veryfi = veryfi;
            this.ssm = stack.client(SsmClient::builder);
        }

        /** The rotations' prefix, the template's default: what Plan's and Reset's scan reads. */
        static final String ROTATED_PREFIX = "veryfi/";

        Account create(int consumerCount, Duration tick) {
            return create(ROTATED_PREFIX, consumerCount, tick);
        }

        Account create(String prefix, int consumerCount, Duration tick) {
            int n = ACCOUNTS.incrementAndGet();
            String secretId = prefix + "bench-" + n;
            if (prefix.equals(ROTATED_PREFIX)) {
                live.add(secretId);
                MOST_LIVE.accumulateAndGet(live.size(), Math::max);
            }
            String clientId = "vf_bench_" + n;
            SimulatedKey key = veryfi.createAccount(clientId, "bench" + n, "client-secret-" + n);
            ObjectNode secret =
                    JSON.createObjectNode()
                            .put("clientId", clientId)
                            .put("username", "bench" + n)
                            .put("apiKey", key.value())
                            .put("apiKeyId", key.id())
                            .put("clientSecret", "client-secret-" + n)
                            .put("baseUrl", veryfi.baseUrl().toString());
            stack.secretsManager()
                    .createSecret(
                            b ->
                                    b.name(secretId)
                                            .secretString(secret.toString())
                                            .tags(
                                                    Tag.builder()
                                                            .key("veryfi-key-rotation")
                                                            .value("enabled")
                                                            .build()));
            List<Map<String, String>> registry = new ArrayList<>();
            for (int i = 0; i < consumerCount; i++) {
                SimulatedConsumer consumer =
                        SimulatedConsumer.start(
                                "consumer-" + n + "-" + i,
                                () -> credentials(secretId),
                                Duration.ZERO,
                                tick);
                consumers.computeIfAbsent(secretId, k -> new ArrayList<>()).add(consumer);
                registry.add(
                        Map.of(
                                "name",
                                consumer.name(),
                                "healthUrl",
                                consumer.healthUrl().toString()));
            }
            try {
                String document =
                        JSON.writeValueAsString(
                                registry.isEmpty()
                                        ? Map.of(
                                                "consumers",
                                                registry,
                                                "noConsumers",
                                                "benchmark account: nothing holds its key")
                                        : Map.of("consumers", registry));
                ssm.putParameter(
                        b ->
                                b.name("/veryfi-key-rotation/consumers/" + secretId)
                                        .type("String")
                                        .value(document)
                                        .overwrite(true));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Account(secretId, clientId);
        }

        private SimulatedConsumer.Credentials credentials(String secretId) {
            return SimulatedConsumer.Credentials.fromSecretString(
                    secretId,
                    stack.secretsManager()
                            .getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT"))
                            .secretString());
        }

        /**
         * Stops the account's consumers once its scenario is over. Left running, every account's
         * consumer ticked (a Veryfi call, a secret read on a failure) until the end of the run:
         * with the accounts of a few iterations, the harness and moto kept 0.8 of this machine's 2
         * cores busy while later cold starts were measured.
         */
        void retire(Account account) {
            stopConsumers(account.secretId());
        }

        private void stopConsumers(String secretId) {
            List<SimulatedConsumer> its = consumers.remove(secretId);
            if (its != null) {
                its.forEach(SimulatedConsumer::close);
            }
        }

        /**
         * Deletes every account under the rotations' prefix that earlier rounds made, so that each
         * round's cold starts see the same small fleet. Kept, the fleet grew by some 20 accounts a
         * round, to about 100 by the fifth: Plan's and Reset's same-account scan grew by one
         * BatchGetSecretValue of 20 secrets at a time (1 to 5 pages, sequential, on every first
         * invocation), and each Secrets Manager call on moto slowed with it (moto finds a secret by
         * name by going through all of them: a BatchGetSecretValue of 20 took 48 ms median, against
         * 8 ms on a fresh moto). The iterations measured different fleets, and the median a fleet
         * of no stated size. A fleet's own growth is the fleet benchmark's subject.
         */
        void sweep() {
            for (String secretId : live) {
                stopConsumers(secretId);
                stack.secretsManager()
                        .deleteSecret(b -> b.secretId(secretId).forceDeleteWithoutRecovery(true));
                ssm.deleteParameter(b -> b.name("/veryfi-key-rotation/consumers/" + secretId));
                live.remove(secretId);
                SWEPT.incrementAndGet();
            }
        }

        @Override
        public void close() {
            consumers.values().forEach(its -> its.forEach(SimulatedConsumer::close));
            consumers.clear();
        }
    }

    // ------------------------------------------------------------------------------ set-up

    private static Map<String, String> childEnvironment(LocalAwsStack stack) {
        Map<String, String> env = new LinkedHashMap<>(stack.environment());
        env.remove("JAVA_TOOL_OPTIONS");
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("AWS_REGION", stack.region().id());
        env.put("AWS_DEFAULT_REGION", stack.region().id());
        // A probe JVM is not a sandbox: it signs with a key the stack issues to it, from the
        // environment.
        var key = stack.lambdaHost().credentials().issueLongLived("benchmark-probe");
        env.put("AWS_ACCESS_KEY_ID", key.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", key.secretAccessKey());
        env.put("AWS_ENDPOINT_URL", stack.endpoint().toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(MEMORY_MB));
        env.putAll(TUNING);
        return env;
    }

    static Path moduleDirectory() {
        for (Path candidate : List.of(Path.of(""), Path.of("benchmarks"))) {
            if (Files.isRegularFile(candidate.resolve("target/benchmark-classpath.txt"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException(
                "run from the repository root or benchmarks/ after `mvn install -DskipTests` "
                        + "(benchmarks/target/benchmark-classpath.txt is missing)");
    }

    /** functions/target/lambda: the classes and lib/*.jar exactly as `sam build` deploys them. */
    static Path functionsLayout(Path repo) {
        Path layout = repo.resolve("functions/target/lambda");
        if (!Files.isDirectory(layout.resolve("lib"))) {
            throw new IllegalStateException(
                    "no functions/target/lambda/lib: run `mvn install -DskipTests` first");
        }
        return layout;
    }

    /** What Lambda's Java runtime puts on the classpath: the task root, then every jar in lib/. */
    static List<Path> lambdaClasspath(Path layout) throws IOException {
        try (Stream<Path> jars = Files.list(layout.resolve("lib"))) {
            return concat(
                    List.of(layout),
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
        }
    }

    private static Path snapshot(Path source, Path target) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        return target;
    }

    /** The .class files under {@code directory} (lib/ excluded) as one jar. */
    private static Path jarOf(Path directory, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name =
                        directory
                                .relativize(file)
                                .toString()
                                .replace(java.io.File.separatorChar, '/');
                if (!name.startsWith("lib/")) {
                    out.putNextEntry(new ZipEntry(name));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    @SafeVarargs
    static <T> List<T> concat(List<T>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    private static List<Path> jars(List<Path> classpath, String... prefixes) {
        List<Path> found =
                classpath.stream()
                        .filter(
                                p ->
                                        Arrays.stream(prefixes)
                                                .anyMatch(
                                                        prefix ->
                                                                p.getFileName()
                                                                        .toString()
                                                                        .startsWith(prefix)))
                        .toList();
        if (found.isEmpty()) {
            throw new IllegalStateException(
                    "no jar named " + Arrays.toString(prefixes) + "* on the benchmark classpath");
        }
        return found;
    }

    /** The probe classes alone, so a child's classpath holds nothing else of the benchmark. */
    private static Path copyProbeClasses(Path module) throws IOException {
        Path source = module.resolve("target/classes/io/veryfikeys/benchmarks/probe");
        Path target = module.resolve("target/probe-classes/io/veryfikeys/benchmarks/probe");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(
                        file,
                        target.resolve(file.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return module.resolve("target/probe-classes");
    }

    /**
     * Compiles the SDK-defaults AwsClients against the functions (it shadows the real one on the
     * child's classpath).
     */
    private static Path compileDefaultsVariant(Path module, List<Path> functions)
            throws IOException {
        Path out = Files.createDirectories(module.resolve("target/defaults-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException(
                    "the SDK-defaults variant is compiled at run time: run with a JDK, not a JRE");
        }
        List<Path> classpath = new ArrayList<>(functions);
        classpath.addAll(
                Arrays.stream(
                                Files.readString(module.resolve("target/benchmark-classpath.txt"))
                                        .trim()
                                        .split(java.io.File.pathSeparator))
                        .map(Path::of)
                        .filter(p -> p.getFileName().toString().startsWith("apache5-client-"))
                        .toList());
        int rc =
                javac.run(
                        null,
                        null,
                        null,
                        "--release",
                        "21",
                        "-nowarn",
                        "-cp",
                        classpath.stream()
                                .map(Path::toString)
                                .collect(Collectors.joining(java.io.File.pathSeparator)),
                        "-d",
                        out.toString(),
                        module.resolve("src/defaults/java/io/veryfikeys/aws/AwsClients.java")
                                .toString());
        if (rc != 0) {
            throw new IllegalStateException("compiling the SDK-defaults variant failed");
        }
        return out;
    }

    static long zippedSize(Path directory) throws IOException {
        CountingStream counter = new CountingStream();
        try (ZipOutputStream zip = new ZipOutputStream(counter);
                Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(directory.relativize(file).toString()));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return counter.count;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    static void log(String message) {
        System.err.println("[benchmark] " + message);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String simpleHandler(String function) {
        String handler = ForkingHandler.HANDLERS.getOrDefault(function, function);
        return handler.substring(handler.lastIndexOf('.') + 1);
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    static String joinCounts(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
