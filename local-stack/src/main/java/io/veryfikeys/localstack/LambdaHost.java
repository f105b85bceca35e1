package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Lambda service on a loopback port, and the stack's one AWS endpoint. It serves the Invoke
 * API ({@code POST /2015-03-31/functions/{name}/invocations}) and forwards every other request to
 * moto after checking the key it was signed with (see {@link CredentialsAuthority}). Moto's Step
 * Functions engine is started with {@code MOTO_PORT} pointing here, so its Lambda tasks land here.
 *
 * <p>This class is what tests and tools hold; the work is done by its parts: {@link AwsEndpoint}
 * (who may call what) in front of {@link LambdaApi} and {@link AwsProxy} (moto), with {@link
 * AwsFaults}, {@link IdentityPolicies} and {@link AwsCallLog}; {@link FunctionRunner} runs an
 * invocation in {@link Sandboxes} or {@link InProcessHandlers}, with {@link InvokeFaults} and
 * {@link Invocations} around it.
 *
 * <p>Two ways to run a function:
 *
 * <ul>
 *   <li>in {@link Sandbox}es (a function registered with a code root; {@link Mode#SANDBOX}, the
 *       default, registers every template function so, and it is what "as deployed" means): JVMs of
 *       their own started from the deployable artifact through the real Runtime Interface Client,
 *       with the environment and credentials Lambda gives a SnapStart function, its SnapStart
 *       hooks, and its timeout enforced;
 *   <li>in-process (no code root; {@link Mode#IN_PROCESS}): the handler class is called in this
 *       JVM, with this JVM's class path, system properties and credentials. Fast, for unit-level
 *       tests of the stack itself, and the benchmark's own probes.
 * </ul>
 */
public final class LambdaHost implements AutoCloseable {

    /** Where functions run: see the class comment. */
    public enum Mode {
        SANDBOX,
        IN_PROCESS
    }

    /**
     * How one function is run: handler ({@code class} or {@code class::method}), timeout, memory,
     * SnapStart, the task root (the deployable: classes and {@code lib/*.jar}) and the environment
     * Lambda gives it (sandboxes only).
     */
    public record FunctionConfig(
            String name,
            String handler,
            int timeoutSeconds,
            int memoryMb,
            boolean snapStart,
            java.nio.file.Path codeRoot,
            Map<String, String> environment) {
        public FunctionConfig(String name, String handler, int timeoutSeconds) {
            this(name, handler, timeoutSeconds, 512, false, null, Map.of());
        }
    }

    /**
     * The ways a Lambda Invoke can fail before the handler runs, as the Invoke API answers them
     * (status and error type:
     * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors); Step
     * Functions reports them as {@code Lambda.<type>}.
     */
    public enum InvokeFault {
        SNAP_START_NOT_READY(
                409,
                "SnapStartNotReadyException",
                "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE."),
        SNAP_START_TIMEOUT(
                408,
                "SnapStartTimeoutException",
                "Lambda couldn't restore the snapshot within the timeout limit."),
        TOO_MANY_REQUESTS(429, "TooManyRequestsException", "Rate Exceeded."),
        SERVICE(500, "ServiceException", "The Lambda service encountered an internal error."),
        /** Not an API error: the next sandbox started for the function crashes during its init. */
        INIT_CRASH(0, null, null);

        final int status;
        final String type;
        final String message;

        InvokeFault(int status, String type, String message) {
            this.status = status;
            this.type = type;
            this.message = message;
        }
    }

    /**
     * An AWS failure to inject: calls of {@code operation} get {@code status} and {@code errorCode}
     * instead of moto's answer, the next {@code times} of them ({@code < 0}: until cleared). The
     * operation is {@code <service>.<Action>}: the X-Amz-Target of JSON services (e.g. {@code
     * "secretsmanager.PutSecretValue"}), or the signing service plus the {@code Action} of query
     * ones ({@code "sns.Publish"}). {@code function} (null: any caller) limits it to calls signed
     * with the credentials of that function's sandboxes, {@code bodyContains} (null: any) to
     * requests whose body contains it, so that concurrent tests on other accounts and callers do
     * not take the fault.
     */
    public record AwsFault(
            String operation,
            int status,
            String errorCode,
            int times,
            String function,
            String bodyContains) {
        /** The next call of the operation, by any caller. */
        public static AwsFault of(String operation, int status, String errorCode) {
            return new AwsFault(operation, status, errorCode, 1, null, null);
        }

        public AwsFault times(int n) {
            return new AwsFault(operation, status, errorCode, n, function, bodyContains);
        }

        /** Every matching call until cleared. */
        public AwsFault always() {
            return times(-1);
        }

        public AwsFault forFunction(String function) {
            return new AwsFault(operation, status, errorCode, times, function, bodyContains);
        }

        public AwsFault whenBodyContains(String text) {
            return new AwsFault(operation, status, errorCode, times, function, text);
        }
    }

    /** Receives every line a sandbox prints (its stdout and stderr: the function's log). */
    @FunctionalInterface
    public interface LogListener {
        void line(String function, String line);
    }

    /**
     * Called before every invocation, on the invocation's thread, with the function's name and its
     * payload. A listener that throws makes the invocation fail exactly as if the handler had
     * thrown that exception (tests use this to inject a failing step or to act at a precise
     * moment).
     */
    @FunctionalInterface
    public interface InvocationListener {
        void beforeInvoke(String function, byte[] payload) throws Exception;
    }

    /**
     * One AWS call the endpoint answered: who signed it ({@code principal}, null when the key was
     * not one the stack issued), IAM's name of it ({@code service} as IAM's prefix and {@code
     * operation} as IAM's action, e.g. {@code secretsmanager} and {@code PutSecretValue}, {@code
     * lambda} and {@code InvokeFunction}; both null when the request names no operation the
     * endpoint reads), and the HTTP status it was answered with. Never a request or response body:
     * those can hold key values.
     */
    public record AwsCall(String principal, String service, String operation, int status) {}

    /**
     * Hears of every AWS call the endpoint answers (forwarded to moto, answered by its Lambda API,
     * refused for its credentials or by an identity policy, or given an injected fault; not moto's
     * admin API), on the thread that answers it, just before the answer goes out: by the time the
     * caller has its response, listeners have been told. What a listener throws is printed and does
     * not change the answer.
     */
    @FunctionalInterface
    public interface AwsCallListener {
        void called(AwsCall call);

        /**
         * The same, with what the call names (its {@code SecretId}, state machine or execution ARN;
         * {@code "*"} when it names none): a listener that cares about one secret can skip the
         * rest.
         */
        default void called(AwsCall call, String resource) {
            called(call);
        }
    }

    private final ObjectMapper json =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Mode mode;
    private final HttpServer server;
    private final ExecutorService pool;
    private final CredentialsAuthority authority = new CredentialsAuthority();
    private final ContainerCredentialsEndpoint containerCredentials =
            new ContainerCredentialsEndpoint(authority, Duration.ofMinutes(60));
    private final Map<String, String> environmentOverrides = new ConcurrentHashMap<>();
    private final FunctionRegistry functions = new FunctionRegistry();
    private final InProcessHandlers inProcess;
    private final Sandboxes sandboxes;
    private final SandboxLogs sandboxLogs = new SandboxLogs();
    private final Invocations invocations = new Invocations();
    private final InvokeFaults invokeFaults = new InvokeFaults();
    private final AwsProxy proxy;
    private final AwsFaults awsFaults = new AwsFaults();
    private final IdentityPolicies identityPolicies = new IdentityPolicies();
    private final AwsCallLog awsCalls = new AwsCallLog();
    private volatile boolean closed;

    private LambdaHost(int port, ClassLoader classLoader, Mode mode, int maxSandboxesPerFunction)
            throws IOException {
        this.mode = mode;
        this.server =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicLong n = new AtomicLong();
        this.pool =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "lambda-host-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.proxy = new AwsProxy(pool);
        this.inProcess = new InProcessHandlers(classLoader, json);
        this.sandboxes =
                new Sandboxes(
                        containerCredentials,
                        sandboxLogs::line,
                        environmentOverrides,
                        maxSandboxesPerFunction);
        FunctionRunner runner =
                new FunctionRunner(
                        sandboxes,
                        inProcess,
                        invocations,
                        invokeFaults,
                        containerCredentialsUri(),
                        json);
        LambdaApi lambdaApi =
                new LambdaApi(functions, invocations, invokeFaults, runner, pool, json);
        AwsEndpoint awsEndpoint =
                new AwsEndpoint(authority, identityPolicies, awsCalls, lambdaApi, awsFaults, proxy);
        server.setExecutor(pool);
        server.createContext("/", awsEndpoint::handle);
        server.createContext(ContainerCredentialsEndpoint.PATH, containerCredentials::handle);
    }

    /** Starts a host on the given loopback port (0 = any free port). */
    public static LambdaHost start(int port, Mode mode, int maxSandboxesPerFunction) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            LambdaHost h =
                    new LambdaHost(
                            port,
                            cl != null ? cl : LambdaHost.class.getClassLoader(),
                            mode,
                            maxSandboxesPerFunction);
            h.server.start();
            return h;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start the Lambda host on port " + port + ": " + e.getMessage(), e);
        }
    }

    public static LambdaHost start(int port) {
        return start(port, Mode.IN_PROCESS, 4);
    }

    public static LambdaHost start() {
        return start(0);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public Mode mode() {
        return mode;
    }

    /** The stack's IAM: issues the keys its AWS endpoint accepts. */
    public CredentialsAuthority credentials() {
        return authority;
    }

    /** What a sandbox sets as AWS_CONTAINER_CREDENTIALS_FULL_URI. */
    public URI containerCredentialsUri() {
        return endpoint().resolve(ContainerCredentialsEndpoint.PATH);
    }

    /**
     * How long the credentials handed to sandboxes from now on stay valid (default 60 minutes). A
     * sandbox that asks again in the second half of that time gets new ones.
     */
    public void sandboxCredentialsLifetime(Duration lifetime) {
        containerCredentials.lifetime(lifetime);
    }

    /**
     * Adds (or, with null, removes) an environment variable of every function's sandboxes, on top
     * of the template's: for test tuning such as shorter retry delays. Warm sandboxes are stopped,
     * so the next invocation starts one with the new environment.
     */
    public void environmentOverride(String name, String value) {
        String old =
                value == null
                        ? environmentOverrides.remove(name)
                        : environmentOverrides.put(name, value);
        if (!Objects.equals(old, value)) sandboxes.retireAll();
    }

    /** Where non-Lambda requests go (moto). Until set, they are answered with 502. */
    public LambdaHost forwardTo(URI target) {
        proxy.target(target);
        return this;
    }

    /** Where one service's requests go instead (by IAM prefix: {@code states}). */
    public LambdaHost forwardTo(String service, URI target) {
        proxy.target(service, target);
        return this;
    }

    public LambdaHost register(String name, String handler, int timeoutSeconds) {
        return register(new FunctionConfig(name, handler, timeoutSeconds));
    }

    public LambdaHost register(FunctionConfig config) {
        functions.register(config);
        return this;
    }

    public LambdaHost register(String name, Class<?> handlerClass) {
        return register(name, handlerClass.getName(), 30);
    }

    public Map<String, FunctionConfig> functions() {
        return functions.all();
    }

    /**
     * Reduces what callers pass as FunctionName to the registered name: a plain name,
     * name:qualifier, a partial ARN (account:function:name[:qualifier]) or a full ARN (with or
     * without a qualifier).
     */
    public static String functionName(String raw) {
        return FunctionNames.name(raw);
    }

    /**
     * Gives the function another timeout (tests of what a timeout does, without waiting for the
     * template's); its sandboxes are stopped so that new ones run with it. Returns the previous
     * one.
     */
    public int overrideTimeout(String function, int timeoutSeconds) {
        FunctionConfig previous = functions.retime(function, timeoutSeconds);
        coldStart(function);
        return previous.timeoutSeconds();
    }

    /**
     * Drops the function's warm instances (sandboxes, or the in-process handler): the next
     * invocation is a cold start.
     */
    public void coldStart(String name) {
        inProcess.coldStart(name);
        sandboxes.retire(name);
    }

    /** Cold-starts every function. */
    public void coldStartAll() {
        inProcess.coldStartAll();
        sandboxes.retireAll();
    }

    /** The live sandbox processes by function (one JVM per sandbox). */
    public Map<String, List<Long>> sandboxProcesses() {
        return sandboxes.processes();
    }

    /**
     * Where each sandbox's first invocation spent its time (init with priming, restore, the
     * invocation).
     */
    public List<ColdStart> coldStarts() {
        return sandboxes.coldStarts();
    }

    /** How many sandboxes (cold starts) were started since the host started. */
    public int sandboxesStarted() {
        return sandboxes.started();
    }

    public void addLogListener(LogListener listener) {
        sandboxLogs.add(listener);
    }

    public void removeLogListener(LogListener listener) {
        sandboxLogs.remove(listener);
    }

    /**
     * Makes the next {@code times} invocations of the function fail as the Invoke API fails them
     * (for {@link InvokeFault#INIT_CRASH}: the function's warm sandboxes are stopped and the next
     * {@code times} sandboxes started crash during init).
     */
    public void injectInvokeFault(String function, InvokeFault fault, int times) {
        invokeFaults.inject(function, fault, times);
        if (fault == InvokeFault.INIT_CRASH) coldStart(function);
    }

    public void clearInvokeFaults() {
        invokeFaults.clear();
    }

    /**
     * Marks the function's published version as not invoked for 14 days: Lambda has made it
     * inactive, so the first invoke fails with SnapStartNotReadyException and starts re-creating
     * the snapshot, which takes {@code readyAfter}; every invoke until then fails the same way.
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html)
     */
    public void markIdleFor14Days(String function, Duration readyAfter) {
        coldStart(function);
        invokeFaults.markIdle(function, readyAfter);
    }

    /**
     * How many times the function was invoked (successful or not) since start or the last reset.
     */
    public int invocationCount(String name) {
        return invocations.count(name);
    }

    public Map<String, Integer> invocationCounts() {
        return invocations.counts();
    }

    public void resetInvocationCounts() {
        invocations.resetCounts();
    }

    /**
     * The qualifiers the function was invoked with, in order ({@code $LATEST} when none): in AWS
     * only a published version (the {@code live} alias) runs with SnapStart; {@code $LATEST} does
     * not.
     */
    public List<String> invokedQualifiers(String function) {
        return invocations.qualifiers(function);
    }

    public void addInvocationListener(InvocationListener listener) {
        invocations.addListener(listener);
    }

    public void removeInvocationListener(InvocationListener listener) {
        invocations.removeListener(listener);
    }

    /**
     * The most invocations of the function that ran at the same moment since the last reset (a Map
     * state's fan-out).
     */
    public int mostConcurrentInvocations(String function) {
        return invocations.mostConcurrent(function);
    }

    public void resetMostConcurrentInvocations(String function) {
        invocations.resetMostConcurrent(function);
    }

    /**
     * The AWS actions ({@code service:Operation}, IAM's names) each principal called through this
     * endpoint: a function's sandboxes sign with keys issued to the function's logical id, so this
     * is what each function really calls (the IAM review reads it).
     */
    public Map<String, Set<String>> awsCallsByPrincipal() {
        return awsCalls.actionsByPrincipal();
    }

    /**
     * Requests refused, by refusal and principal (when known): for their credentials, or by an
     * identity policy ({@code ACCESS_DENIED}, with the action).
     */
    public Map<String, Integer> refusedAwsCalls() {
        return awsCalls.refusals();
    }

    /**
     * Gives the principal an identity policy that allows only these IAM actions ({@code
     * prefix:Action}); its other calls are refused with AccessDenied as IAM words it. Null removes
     * the policy. Principals without one (the functions, the tests' client, the engine) may call
     * anything here; what they call is recorded for the IAM review instead.
     */
    public void identityPolicy(String principal, Set<String> allowedActions) {
        identityPolicies.set(principal, allowedActions);
    }

    /**
     * Adds to the principal's identity policy the condition a consumer's check-in policy carries:
     * it may name only these partition key values ({@code dynamodb:LeadingKeys}, see {@link
     * IdentityPolicies.LeadingKeys}). Null removes it.
     */
    public void dynamoDbLeadingKeys(String principal, String attribute, Set<String> values) {
        identityPolicies.leadingKeys(
                principal,
                values == null
                        ? null
                        : new IdentityPolicies.LeadingKeys(attribute, Set.copyOf(values)));
    }

    public void addAwsCallListener(AwsCallListener listener) {
        awsCalls.addListener(listener);
    }

    public void removeAwsCallListener(AwsCallListener listener) {
        awsCalls.removeListener(listener);
    }

    public void injectAwsFault(AwsFault fault) {
        awsFaults.inject(fault);
    }

    /** {@code injectAwsFault(AwsFault.of(operation, status, errorCode).times(times))}. */
    public void injectAwsFault(String operation, int status, String errorCode, int times) {
        injectAwsFault(AwsFault.of(operation, status, errorCode).times(times));
    }

    public void clearAwsFaults() {
        awsFaults.clear();
    }

    /**
     * Removes the faults injected with this {@code bodyContains} (e.g. one account's secret name).
     */
    public void clearAwsFaults(String bodyContains) {
        awsFaults.clear(bodyContains);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        sandboxes.close();
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inProcess.coldStartAll();
    }
}
