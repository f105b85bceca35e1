package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole application without AWS: moto serves the AWS APIs and runs the real state machine
 * definitions, a {@link LambdaHost} runs the real handlers, wired exactly as {@code template.yaml}
 * says: by default each function in sandboxes of its own (own JVM, the deployable artifact, the
 * Runtime Interface Client, a SnapStart function's environment and credentials; see {@link
 * LambdaHost.Mode}). One stack per JVM at a time (it sets JVM-wide system properties).
 *
 * <p>SDK clients (the handlers' and the tests') talk to the <em>Lambda host</em>, not to moto
 * directly: the host answers Lambda Invoke itself and forwards everything else to moto, so a single
 * endpoint serves every service, including a handler that invokes another function. The extra
 * loopback hop costs well under a millisecond.
 */
public final class LocalAwsStack implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";
    public static final String ROLE_ARN = "arn:aws:iam::123456789012:role/local";

    private static final AtomicReference<LocalAwsStack> CURRENT = new AtomicReference<>();
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final SamTemplate template;
    private volatile SamTemplate.Resolver resolver;
    private final LambdaHost lambdaHost;
    private MotoServer moto;

    /**
     * Step Functions' own moto process, when {@link Options#splitMoto}: the ASL engine then runs
     * beside the process serving the other services instead of sharing its interpreter (one core at
     * a time). The fleet benchmark uses it: at 1,000 accounts that one process was the bottleneck.
     * The test suites do not: on two cores the split made the fault matrix slower.
     */
    private MotoServer stepFunctionsMoto;

    private final Map<String, String> previousProperties = new LinkedHashMap<>();
    private final Map<String, String> topicArns = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private SecretsManagerClient secretsManager;
    private SnsClient sns;
    private SqsClient sqs;
    private SfnClient sfn;
    private SsmClient ssm;
    private software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;
    private final java.util.Set<String> deployedStateMachines = new java.util.LinkedHashSet<>();
    private volatile boolean closed;

    /**
     * How the stack runs functions. {@code codeRoot}: the deployable to run every function from
     * (null: each function's CodeUri, built as {@code sam build} lays it out in {@code
     * <CodeUri>/target/lambda}); {@code maxSandboxesPerFunction}: how many sandboxes of one
     * function may run at once (further invocations wait).
     */
    public record Options(
            LambdaHost.Mode mode, Path codeRoot, int maxSandboxesPerFunction, boolean splitMoto) {
        /**
         * Sandboxes, unless the system property {@code localstack.mode=in-process} says otherwise.
         */
        public static Options defaults() {
            LambdaHost.Mode mode =
                    "in-process".equalsIgnoreCase(System.getProperty("localstack.mode"))
                            ? LambdaHost.Mode.IN_PROCESS
                            : LambdaHost.Mode.SANDBOX;
            return new Options(
                    mode,
                    null,
                    Integer.getInteger("localstack.maxSandboxesPerFunction", 4),
                    Boolean.getBoolean("localstack.splitMoto"));
        }

        public Options mode(LambdaHost.Mode m) {
            return new Options(m, codeRoot, maxSandboxesPerFunction, splitMoto);
        }

        public Options codeRoot(Path p) {
            return new Options(mode, p, maxSandboxesPerFunction, splitMoto);
        }

        /**
         * At most {@code n} sandboxes per function (Lambda's concurrency, scaled down to a laptop).
         */
        public Options maxSandboxesPerFunction(int n) {
            return new Options(mode, codeRoot, n, splitMoto);
        }

        /** Step Functions in a moto process of its own (see {@link #stepFunctionsServer}). */
        public Options splitMoto(boolean split) {
            return new Options(mode, codeRoot, maxSandboxesPerFunction, split);
        }
    }

    private final Options options;
    private final CredentialsAuthority.Issued clientKey;

    private LocalAwsStack(
            SamTemplate template, Map<String, String> overrides, int lambdaPort, Options options) {
        this.template = template;
        this.options = options;
        this.resolver = template.resolver(REGION, ACCOUNT_ID, overrides);
        this.lambdaHost =
                LambdaHost.start(lambdaPort, options.mode(), options.maxSandboxesPerFunction());
        this.clientKey = lambdaHost.credentials().issueLongLived("client");
        // moto's Step Functions engine signs its Lambda (and Step Functions) calls with the fixed
        // key "ak".
        lambdaHost.credentials().issueLongLived("states", "ak", "sk");
    }

    /** Starts the stack for a template; parameter overrides replace Parameter defaults. */
    public static LocalAwsStack start(Path template, Map<String, String> parameterOverrides) {
        return start(template, parameterOverrides, 0);
    }

    /**
     * As {@link #start(Path, Map)}, with the Lambda host (= the stack's endpoint) on a fixed port
     * (0 = free).
     */
    public static LocalAwsStack start(
            Path template, Map<String, String> parameterOverrides, int lambdaPort) {
        return start(template, parameterOverrides, lambdaPort, Options.defaults());
    }

    public static LocalAwsStack start(
            Path template,
            Map<String, String> parameterOverrides,
            int lambdaPort,
            Options options) {
        SamTemplate t = SamTemplate.load(template);
        LocalAwsStack stack = new LocalAwsStack(t, parameterOverrides, lambdaPort, options);
        if (!CURRENT.compareAndSet(null, stack)) {
            stack.lambdaHost.close();
            throw new IllegalStateException(
                    "a LocalAwsStack is already running in this JVM (it owns the aws.* "
                            + "system properties); close it first");
        }
        try {
            stack.boot(template);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    /** The stack currently running in this JVM, if any. */
    public static Optional<LocalAwsStack> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    private void boot(Path templatePath) {
        Path log = logDirectory(templatePath).resolve("moto-" + lambdaHost.port() + ".log");
        moto = MotoServer.start(lambdaHost.port(), log);
        lambdaHost.forwardTo(moto.endpoint());
        if (options.splitMoto()) {
            stepFunctionsMoto =
                    MotoServer.start(
                            lambdaHost.port(),
                            log.resolveSibling("moto-states-" + lambdaHost.port() + ".log"));
            lambdaHost.forwardTo("states", stepFunctionsMoto.endpoint());
        }

        // For SDK clients of this JVM built on defaults (and in-process handlers): the stack's
        // endpoint, region and the client key it issued. Sandboxes get none of these.
        setProperty("aws.endpointUrl", endpoint().toString());
        setProperty("aws.region", REGION);
        setProperty("aws.accessKeyId", clientKey.accessKeyId());
        setProperty("aws.secretAccessKey", clientKey.secretAccessKey());
        if (System.getProperty("software.amazon.awssdk.http.service.impl") == null)
            setProperty(
                    "software.amazon.awssdk.http.service.impl",
                    "software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService");

        for (String id : template.topics().keySet()) {
            String name = resolver.topicName(id);
            Map<String, String> attrs =
                    name.endsWith(".fifo") ? Map.of("FifoTopic", "true") : Map.of();
            String arn = sns().createTopic(r -> r.name(name).attributes(attrs)).topicArn();
            if (!arn.equals(resolver.topicArn(id)))
                throw new IllegalStateException(
                        "moto created topic " + arn + ", expected " + resolver.topicArn(id));
            topicArns.put(id, arn);
        }

        for (SamTemplate.TableDef table : template.tables().values()) {
            createTable(resolver.tableName(table.logicalId()), table);
        }
        putSsmParameters();
        subscribeAsTheTemplateSays();

        for (SamTemplate.FunctionDef f : template.functions().values()) {
            Map<String, String> env =
                    resolver.resolveAll(f.environment(), f.logicalId() + ".Environment.Variables");
            env.forEach(
                    (k, v) -> {
                        String prev = environment.put(k, v);
                        if (options.mode() == LambdaHost.Mode.IN_PROCESS) {
                            if (prev != null && !prev.equals(v))
                                System.err.println(
                                        "[local-stack] WARNING: environment variable "
                                                + k
                                                + " differs between "
                                                + "functions ('"
                                                + prev
                                                + "' vs '"
                                                + v
                                                + "'); system properties are JVM-wide, using the latter");
                            setProperty(k, v);
                        }
                    });
            if (options.mode() == LambdaHost.Mode.IN_PROCESS) {
                lambdaHost.register(f.logicalId(), f.handler(), f.timeoutSeconds());
            } else {
                Path codeRoot = codeRoot(f);
                lambdaHost.register(
                        new LambdaHost.FunctionConfig(
                                f.logicalId(),
                                f.handler(),
                                f.timeoutSeconds(),
                                f.memoryMb(),
                                f.snapStart(),
                                codeRoot,
                                lambdaEnvironment(f, env, codeRoot)));
            }
        }
    }

    /**
     * The template's {@code AWS::SNS::Subscription}s whose Condition holds (AlertEmailSubscription
     * when AlertEmail is set). An email subscription stays pending until its owner confirms it, as
     * in AWS.
     */
    private void subscribeAsTheTemplateSays() {
        for (SamTemplate.SubscriptionDef sub : template.subscriptions().values()) {
            if (sub.condition() != null && !resolver.condition(sub.condition(), sub.logicalId()))
                continue;
            String topic = resolver.resolve(sub.topicArn(), sub.logicalId() + ".TopicArn");
            String protocol = resolver.resolve(sub.protocol(), sub.logicalId() + ".Protocol");
            String endpoint = resolver.resolve(sub.endpoint(), sub.logicalId() + ".Endpoint");
            sns().subscribe(r -> r.topicArn(topic).protocol(protocol).endpoint(endpoint));
        }
    }

    /**
     * The EventBridge rule SAM makes of a state machine's {@code Type: Schedule} event: schedule
     * expression, state (ENABLED or DISABLED) and the machine as target with the event's Input. The
     * rule only exists here: nothing fires it (start executions by hand, as the fleet tests do).
     */
    private void putScheduleRules(SamTemplate.StateMachineDef sm, String stateMachineArn) {
        for (SamTemplate.ScheduleDef schedule : sm.schedules()) {
            String where = sm.logicalId() + ".Events." + schedule.eventId();
            String rule =
                    SamTemplate.Resolver.STACK_NAME + "-" + sm.logicalId() + schedule.eventId();
            String expression = resolver.resolve(schedule.schedule(), where + ".Schedule");
            String state =
                    schedule.state() == null
                            ? "ENABLED"
                            : resolver.resolve(schedule.state(), where + ".State");
            String input =
                    schedule.input() == null
                            ? null
                            : resolver.resolve(schedule.input(), where + ".Input");
            EventBridgeClient events = events();
            events.putRule(
                    r ->
                            r.name(rule)
                                    .scheduleExpression(expression)
                                    .state(state)
                                    .description(sm.logicalId() + " " + schedule.eventId()));
            events.putTargets(
                    r ->
                            r.rule(rule)
                                    .targets(
                                            Target.builder()
                                                    .id(sm.logicalId() + "Target")
                                                    .arn(stateMachineArn)
                                                    .roleArn(ROLE_ARN)
                                                    .input(input)
                                                    .build()));
        }
    }

    /**
     * The template's {@code AWS::SSM::Parameter}s with their values resolved against the current
     * parameters.
     */
    private void putSsmParameters() {
        template.ssmParameters()
                .values()
                .forEach(
                        p ->
                                ssm().putParameter(
                                                r ->
                                                        r.name(
                                                                        resolver.resolve(
                                                                                p.name(),
                                                                                p.logicalId()
                                                                                        + ".Name"))
                                                                .value(
                                                                        resolver.resolve(
                                                                                p.value(),
                                                                                p.logicalId()
                                                                                        + ".Value"))
                                                                .type(ParameterType.STRING)
                                                                .overwrite(true)));
    }

    /**
     * A stack update with new parameter values, as CloudFormation applies it to this template: the
     * SSM parameters get their new values and the state machines deployed so far their new
     * definitions (DefinitionSubstitutions are resolved on every deploy). The functions keep
     * running what they were first deployed with, as the {@code live} alias does: SAM publishes a
     * new version only when a function's code, MemorySize, SnapStart or the <em>text</em> of its
     * Environment changes, and it hashes Environment without resolving parameter references
     * (samtranslator's {@code SamFunction._construct_version}), so a changed parameter that only
     * feeds a function's environment reaches {@code $LATEST}, never the version that runs.
     */
    public synchronized void redeploy(Map<String, String> parameterOverrides) {
        resolver = template.resolver(REGION, ACCOUNT_ID, parameterOverrides);
        putSsmParameters();
        for (String logicalId : List.copyOf(deployedStateMachines)) deployStateMachine(logicalId);
    }

    /**
     * The deployable a function runs from: {@code <CodeUri>/target/lambda}, as {@code sam build}
     * lays out a Maven CodeUri.
     */
    private Path codeRoot(SamTemplate.FunctionDef f) {
        Path root =
                options.codeRoot() != null
                        ? options.codeRoot()
                        : f.codeUri() == null
                                ? null
                                : template.directory()
                                        .resolve(f.codeUri())
                                        .resolve("target/lambda")
                                        .normalize();
        if (root == null)
            throw new SamTemplate.TemplateException(
                    "function " + f.logicalId() + " has no CodeUri: nothing to run in a sandbox");
        if (!Files.isDirectory(root))
            throw new IllegalStateException(
                    "no deployable for "
                            + f.logicalId()
                            + " at "
                            + root
                            + ": build it first (mvn -q -B install -DskipTests)");
        return root.toAbsolutePath();
    }

    /**
     * The environment Lambda gives the function's execution environment: the template's variables,
     * the reserved ones, and for a SnapStart function no access keys (credentials come from the
     * container credentials endpoint; the host adds its address and token). AWS_ENDPOINT_URL is the
     * one local addition: it points the SDK at this stack.
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
     */
    private Map<String, String> lambdaEnvironment(
            SamTemplate.FunctionDef f, Map<String, String> templateEnv, Path codeRoot) {
        Map<String, String> env = new LinkedHashMap<>(templateEnv);
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", f.snapStart() ? "1" : "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", f.snapStart() ? "snap-start" : "on-demand");
        if (!f.snapStart()) { // "not available in Lambda SnapStart functions"
            // (snapstart-monitoring.html)
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.logicalId());
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]");
        }
        env.put("_HANDLER", f.handler());
        env.put("LAMBDA_TASK_ROOT", codeRoot.toString());
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("AWS_ENDPOINT_URL", endpoint().toString());
        return env;
    }

    private static Path logDirectory(Path templatePath) {
        // <module>/target when run from a Maven module, else the system temp directory.
        Path target = Path.of("target");
        return Files.isDirectory(target)
                ? target.toAbsolutePath()
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private void setProperty(String key, String value) {
        if (!previousProperties.containsKey(key))
            previousProperties.put(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    public SamTemplate template() {
        return template;
    }

    public SamTemplate.Resolver resolver() {
        return resolver;
    }

    public LambdaHost lambdaHost() {
        return lambdaHost;
    }

    /**
     * The local stack's test mode, where everything runs on loopback: the functions may send keys
     * to the Veryfi simulator at {@code baseUrl} (plain http, that port only), and poll consumer
     * health endpoints on loopback. In AWS neither is allowed: keys go over https to the hosts in
     * template.yaml's VERYFI_API_HOSTS only (VeryfiHosts), and health checks never reach loopback,
     * where the Lambda runtime API listens (ConsumerAddresses).
     */
    public void localTestMode(java.net.URI baseUrl) {
        Map<String, String> mode =
                Map.of(
                        "VERYFI_API_HOSTS",
                        baseUrl.getHost() + ":" + baseUrl.getPort(),
                        "VERYFI_ALLOW_HTTP_LOOPBACK",
                        "true",
                        "CONSUMER_ALLOW_LOOPBACK",
                        "true");
        mode.forEach(lambdaHost::environmentOverride);
        // in-process functions (and this JVM's own tools) read the environment from system
        // properties
        mode.forEach(System::setProperty);
        // and JVMs the stack does not start itself (benchmark probes) are given environment()
        environment.putAll(mode);
    }

    public MotoServer motoServer() {
        return moto;
    }

    /** Step Functions' own moto process, or empty when one process serves every API. */
    public Optional<MotoServer> stepFunctionsServer() {
        return Optional.ofNullable(stepFunctionsMoto);
    }

    public URI motoEndpoint() {
        return moto.endpoint();
    }

    /**
     * What SDK clients should use: the Lambda host, which forwards every non-Lambda call to moto.
     */
    public URI endpoint() {
        return lambdaHost.endpoint();
    }

    public Region region() {
        return Region.of(REGION);
    }

    public String accountId() {
        return ACCOUNT_ID;
    }

    /**
     * The resolved environment variables of all functions, the test mode's included (also set as
     * system properties).
     */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    public String topicArn(String logicalId) {
        String arn = topicArns.get(logicalId);
        if (arn == null)
            throw new IllegalArgumentException(
                    "no SNS topic '"
                            + logicalId
                            + "' in the template "
                            + "(topics: "
                            + topicArns.keySet()
                            + ")");
        return arn;
    }

    public String functionArn(String logicalId) {
        return resolver.functionArn(logicalId);
    }

    /**
     * Deploys a state machine of the template: reads its DefinitionUri, substitutes the resolved
     * DefinitionSubstitutions, creates (or updates) it in moto and returns its ARN.
     */
    public String deployStateMachine(String logicalId) {
        SamTemplate.StateMachineDef sm = template.stateMachine(logicalId);
        if (sm.definitionUri() == null)
            throw new SamTemplate.TemplateException(
                    "state machine "
                            + logicalId
                            + " has no literal DefinitionUri "
                            + "(inline Definition is not supported locally)");
        Map<String, String> subs =
                resolver.resolveAll(sm.substitutions(), logicalId + ".DefinitionSubstitutions");
        deployedStateMachines.add(logicalId);
        String arn =
                create(
                        resolver.stateMachineName(logicalId),
                        template.directory().resolve(sm.definitionUri()),
                        subs);
        putScheduleRules(sm, arn);
        return arn;
    }

    /**
     * Deploys a test-only ASL file. Its {@code ${X}} placeholders are filled from the union of
     * every template state machine's DefinitionSubstitutions, then from {@code extraSubstitutions},
     * whose values may themselves use Fn::Sub syntax against the template, e.g. {@code
     * Map.of("EchoArn", "${EchoFunction.Arn}")} or {@code "${EchoFunction.Alias}"}.
     */
    public String deployStateMachine(
            String name, Path aslFile, Map<String, String> extraSubstitutions) {
        Map<String, String> subs = new HashMap<>();
        template.stateMachines()
                .values()
                .forEach(
                        sm ->
                                subs.putAll(
                                        resolver.resolveAll(
                                                sm.substitutions(),
                                                sm.logicalId() + ".DefinitionSubstitutions")));
        extraSubstitutions.forEach(
                (k, v) ->
                        subs.put(
                                k,
                                v.contains("${")
                                        ? resolver.resolve(
                                                JsonNodeFactory.instance
                                                        .objectNode()
                                                        .put("Fn::Sub", v),
                                                "substitution " + k + " of " + aslFile)
                                        : v));
        return create(name, aslFile, subs);
    }

    private String create(String name, Path aslFile, Map<String, String> subs) {
        String asl;
        try {
            asl = Files.readString(aslFile);
        } catch (IOException e) {
            throw new SamTemplate.TemplateException(
                    "cannot read state machine definition " + aslFile, e);
        }
        Matcher m = PLACEHOLDER.matcher(asl);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String v = subs.get(m.group(1));
            if (v == null) {
                missing.add(m.group(1));
                v = m.group(0);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        if (!missing.isEmpty())
            throw new SamTemplate.TemplateException(
                    "no DefinitionSubstitution for "
                            + missing
                            + " in "
                            + aslFile
                            + " (known: "
                            + new java.util.TreeSet<>(subs.keySet())
                            + ")");
        String definition = out.toString();
        Optional<String> existing =
                sfn().listStateMachinesPaginator(r -> {}).stateMachines().stream()
                        .filter(s -> s.name().equals(name))
                        .map(StateMachineListItem::stateMachineArn)
                        .findFirst();
        if (existing.isPresent()) {
            sfn().updateStateMachine(
                            r ->
                                    r.stateMachineArn(existing.get())
                                            .definition(definition)
                                            .roleArn(ROLE_ARN));
            return existing.get();
        }
        return sfn().createStateMachine(r -> r.name(name).definition(definition).roleArn(ROLE_ARN))
                .stateMachineArn();
    }

    /**
     * Creates an SQS queue in moto, subscribes it to the topic and returns a reader for what
     * arrives.
     */
    public SnsCapture subscribeQueue(String topicArn) {
        String[] queue = captureQueue("capture-");
        String sub =
                sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queue[1]))
                        .subscriptionArn();
        return new SnsCapture(
                sqs(),
                topicArn,
                queue[0],
                sub,
                () -> {
                    sns().unsubscribe(r -> r.subscriptionArn(sub));
                    sqs().deleteQueue(r -> r.queueUrl(queue[0]));
                });
    }

    /**
     * Creates an SQS queue in moto and an EventBridge rule on the default bus that sends it every
     * event of {@code source}; returns a reader for what arrives.
     */
    public EventCapture captureEvents(String source) {
        String[] queue = captureQueue("capture-events-");
        String rule = queue[0].substring(queue[0].lastIndexOf('/') + 1);
        String pattern = "{\"source\":[\"" + source + "\"]}";
        events().putRule(r -> r.name(rule).eventPattern(pattern));
        events().putTargets(r -> r.rule(rule).targets(t -> t.id("queue").arn(queue[1])));
        return new EventCapture(
                sqs(),
                queue[0],
                () -> {
                    events().removeTargets(r -> r.rule(rule).ids("queue"));
                    events().deleteRule(r -> r.name(rule));
                    sqs().deleteQueue(r -> r.queueUrl(queue[0]));
                });
    }

    /** A new SQS queue in moto: its URL and its ARN. */
    private String[] captureQueue(String prefix) {
        String name = prefix + QUEUES.incrementAndGet();
        String url = sqs().createQueue(r -> r.queueName(name)).queueUrl();
        String arn =
                sqs().getQueueAttributes(
                                r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes()
                        .get(QueueAttributeName.QUEUE_ARN);
        return new String[] {url, arn};
    }

    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) secretsManager = client(SecretsManagerClient::builder);
        return secretsManager;
    }

    public synchronized SnsClient sns() {
        if (sns == null) sns = client(SnsClient::builder);
        return sns;
    }

    public synchronized software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
        if (dynamoDb == null)
            dynamoDb = client(software.amazon.awssdk.services.dynamodb.DynamoDbClient::builder);
        return dynamoDb;
    }

    /** The template's table name of {@code logicalId} (CloudFormation generates one). */
    public String tableName(String logicalId) {
        return resolver.tableName(logicalId);
    }

    /** A table as the template declares it: on demand, one string hash key, its TTL. */
    private void createTable(String name, SamTemplate.TableDef table) {
        var ddb = dynamoDb();
        ddb.createTable(
                r ->
                        r.tableName(name)
                                .billingMode("PAY_PER_REQUEST")
                                .keySchema(k -> k.attributeName(table.hashKey()).keyType("HASH"))
                                .attributeDefinitions(
                                        a -> a.attributeName(table.hashKey()).attributeType("S")));
        if (table.ttlAttribute() != null)
            ddb.updateTimeToLive(
                    r ->
                            r.tableName(name)
                                    .timeToLiveSpecification(
                                            t ->
                                                    t.attributeName(table.ttlAttribute())
                                                            .enabled(true)));
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) sqs = client(SqsClient::builder);
        return sqs;
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) sfn = client(SfnClient::builder);
        return sfn;
    }

    public synchronized SsmClient ssm() {
        if (ssm == null) ssm = client(SsmClient::builder);
        return ssm;
    }

    /**
     * What a raw Lambda Invoke answered: HTTP status, payload, X-Amz-Function-Error,
     * x-amzn-ErrorType, X-Amz-Executed-Version.
     */
    public record Invocation(
            int status,
            String payload,
            String functionError,
            String errorType,
            String executedVersion) {}

    private static final java.net.http.HttpClient INVOKE_HTTP =
            java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build();

    /** A Lambda Invoke (RequestResponse) of a function, signed with this JVM's client key. */
    public Invocation invoke(String function, String payload) {
        return invoke(function, payload, clientKey.accessKeyId(), clientKey.secretAccessKey());
    }

    /**
     * A Lambda Invoke signed (SigV4, the SDK's signer) with the given key, answered as it is: 200
     * or an API error.
     */
    public Invocation invoke(
            String function, String payload, String accessKeyId, String secretAccessKey) {
        URI uri =
                endpoint()
                        .resolve(
                                "/2015-03-31/functions/"
                                        + java.net.URLEncoder.encode(
                                                function, java.nio.charset.StandardCharsets.UTF_8)
                                        + "/invocations");
        byte[] bytes = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var unsigned =
                software.amazon.awssdk.http.SdkHttpFullRequest.builder()
                        .method(software.amazon.awssdk.http.SdkHttpMethod.POST)
                        .uri(uri)
                        .putHeader("Content-Type", "application/json")
                        .contentStreamProvider(() -> new java.io.ByteArrayInputStream(bytes))
                        .build();
        var signed =
                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create()
                        .sign(
                                r ->
                                        r.request(unsigned)
                                                .identity(
                                                        AwsBasicCredentials.create(
                                                                accessKeyId, secretAccessKey))
                                                .payload(
                                                        unsigned.contentStreamProvider()
                                                                .orElseThrow())
                                                .putProperty(
                                                        software.amazon.awssdk.http.auth.aws.signer
                                                                .AwsV4HttpSigner
                                                                .SERVICE_SIGNING_NAME,
                                                        "lambda")
                                                .putProperty(
                                                        software.amazon.awssdk.http.auth.aws.signer
                                                                .AwsV4HttpSigner.REGION_NAME,
                                                        REGION));
        var request =
                java.net.http.HttpRequest.newBuilder(uri)
                        .timeout(java.time.Duration.ofMinutes(5))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.request()
                .headers()
                .forEach(
                        (k, vs) -> {
                            if (!k.equalsIgnoreCase("Host")) vs.forEach(v -> request.header(k, v));
                        });
        try {
            var response =
                    INVOKE_HTTP.send(
                            request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Invocation(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("X-Amz-Function-Error").orElse(null),
                    response.headers().firstValue("x-amzn-ErrorType").orElse(null),
                    response.headers().firstValue("X-Amz-Executed-Version").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "invoke of " + function + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The long-lived key the stack issued to this JVM's clients (tests, the demo, the CLI's
     * --local).
     */
    public CredentialsAuthority.Issued clientCredentials() {
        return clientKey;
    }

    public Options options() {
        return options;
    }

    private EventBridgeClient events;

    public synchronized EventBridgeClient events() {
        if (events == null) events = client(EventBridgeClient::builder);
        return events;
    }

    /**
     * Builds any SDK v2 client pointed at this stack, e.g. {@code
     * stack.client(LambdaClient::builder)}.
     */
    public synchronized <
                    B extends
                            AwsClientBuilder<B, C>
                                    & software.amazon.awssdk.awscore.client.builder
                                                    .AwsSyncClientBuilder<
                                            B, C>,
                    C extends AutoCloseable>
            C client(Supplier<B> builder) {
        if (closed) throw new IllegalStateException("stack is closed");
        C c =
                builder.get()
                        .endpointOverride(endpoint())
                        .region(region())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                clientKey.accessKeyId(),
                                                clientKey.secretAccessKey())))
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .build();
        clients.add(c);
        return c;
    }

    /**
     * Stops moto (the whole process tree) and the Lambda host, restores system properties.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (moto != null) moto.close();
        if (stepFunctionsMoto != null) stepFunctionsMoto.close();
        lambdaHost.close();
        previousProperties.forEach(
                (k, v) -> {
                    if (v == null) System.clearProperty(k);
                    else System.setProperty(k, v);
                });
        CURRENT.compareAndSet(this, null);
    }
}
