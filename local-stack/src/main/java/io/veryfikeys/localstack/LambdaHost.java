package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Lambda service on a loopback port, and the stack's one AWS endpoint. It serves the Invoke
 * API ({@code POST /2015-03-31/functions/{name}/invocations}) and forwards every other request to
 * moto after checking the key it was signed with (see {@link CredentialsAuthority}). Moto's Step
 * Functions engine is started with {@code MOTO_PORT} pointing here, so its Lambda tasks land here.
 *
 * <p>Two ways to run a function:
 * <ul>
 *   <li>in {@link Sandbox}es (a function registered with a code root; {@link Mode#SANDBOX}, the
 *       default, registers every template function so, and it is what "as deployed" means): JVMs of
 *       their own started from the deployable artifact through the real Runtime Interface Client,
 *       with the environment and credentials Lambda gives a SnapStart function, its SnapStart hooks,
 *       and its timeout enforced;</li>
 *   <li>in-process (no code root; {@link Mode#IN_PROCESS}): the handler class is called in this JVM,
 *       with this JVM's class path, system properties and credentials. Fast, for unit-level tests
 *       of the stack itself, and the benchmark's own probes.</li>
 * </ul>
 */
public final class LambdaHost implements AutoCloseable {

    /** Where functions run: see the class comment. */
    public enum Mode { SANDBOX, IN_PROCESS }

    /**
     * How one function is run: handler ({@code class} or {@code class::method}), timeout, memory,
     * SnapStart, the task root (the deployable: classes and {@code lib/*.jar}) and the environment
     * Lambda gives it (sandboxes only).
     */
    public record FunctionConfig(String name, String handler, int timeoutSeconds, int memoryMb, boolean snapStart,
                                 java.nio.file.Path codeRoot, Map<String, String> environment) {
        public FunctionConfig(String name, String handler, int timeoutSeconds) {
            this(name, handler, timeoutSeconds, 512, false, null, Map.of());
        }
    }

    /**
     * The ways a Lambda Invoke can fail before the handler runs, as the Invoke API answers them
     * (status and error type: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors);
     * Step Functions reports them as {@code Lambda.<type>}.
     */
    public enum InvokeFault {
        SNAP_START_NOT_READY(409, "SnapStartNotReadyException",
                "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE."),
        SNAP_START_TIMEOUT(408, "SnapStartTimeoutException", "Lambda couldn't restore the snapshot within the timeout limit."),
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

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final FunctionRegistry functions = new FunctionRegistry();
    private final InProcessHandlers inProcess;
    private final Invocations invocations = new Invocations();
    private final InvokeFaults invokeFaults = new InvokeFaults();
    private final LambdaApi lambdaApi;
    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient http;
    private final Mode mode;
    private final CredentialsAuthority authority = new CredentialsAuthority();
    private final ContainerCredentialsEndpoint containerCredentials =
            new ContainerCredentialsEndpoint(authority, Duration.ofMinutes(60));
    private final Map<String, String> environmentOverrides = new ConcurrentHashMap<>();
    private final Sandboxes sandboxes;
    private final List<LogListener> logListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> awsCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusedAwsCalls = new ConcurrentHashMap<>();
    private volatile URI forwardTo;
    private volatile boolean closed;

    private LambdaHost(int port, ClassLoader classLoader, Mode mode, int maxSandboxesPerFunction) throws IOException {
        this.inProcess = new InProcessHandlers(classLoader, json);
        this.mode = mode;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicLong n = new AtomicLong();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-host-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
        this.sandboxes = new Sandboxes(containerCredentials, this::sandboxLog, environmentOverrides, maxSandboxesPerFunction);
        FunctionRunner runner = new FunctionRunner(sandboxes, inProcess, invocations, invokeFaults,
                containerCredentialsUri(), json);
        this.lambdaApi = new LambdaApi(functions, invocations, invokeFaults, runner, pool, json);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.createContext(ContainerCredentialsEndpoint.PATH, containerCredentials::handle);
    }

    /** Starts a host on the given loopback port (0 = any free port). */
    public static LambdaHost start(int port, Mode mode, int maxSandboxesPerFunction) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            LambdaHost h = new LambdaHost(port, cl != null ? cl : LambdaHost.class.getClassLoader(), mode,
                    maxSandboxesPerFunction);
            h.server.start();
            return h;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Lambda host on port " + port + ": " + e.getMessage(), e);
        }
    }

    public static LambdaHost start(int port) { return start(port, Mode.IN_PROCESS, 4); }

    public static LambdaHost start() { return start(0); }

    public int port() { return server.getAddress().getPort(); }
    public URI endpoint() { return URI.create("http://127.0.0.1:" + port()); }
    public Mode mode() { return mode; }

    /** The stack's IAM: issues the keys its AWS endpoint accepts. */
    public CredentialsAuthority credentials() { return authority; }

    /** What a sandbox sets as AWS_CONTAINER_CREDENTIALS_FULL_URI. */
    public URI containerCredentialsUri() { return endpoint().resolve(ContainerCredentialsEndpoint.PATH); }

    /**
     * How long the credentials handed to sandboxes from now on stay valid (default 60 minutes). A
     * sandbox that asks again in the second half of that time gets new ones.
     */
    public void sandboxCredentialsLifetime(Duration lifetime) { containerCredentials.lifetime(lifetime); }

    /**
     * Adds (or, with null, removes) an environment variable of every function's sandboxes, on top of
     * the template's: for test tuning such as shorter retry delays. Warm sandboxes are stopped, so
     * the next invocation starts one with the new environment.
     */
    public void environmentOverride(String name, String value) {
        String old = value == null ? environmentOverrides.remove(name) : environmentOverrides.put(name, value);
        if (!java.util.Objects.equals(old, value)) sandboxes.retireAll();
    }

    /** Where non-Invoke requests go (moto). Until set, they are answered with 502. */
    public LambdaHost forwardTo(URI target) { this.forwardTo = target; return this; }

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

    public Map<String, FunctionConfig> functions() { return functions.all(); }

    /**
     * Gives the function another timeout (tests of what a timeout does, without waiting for the
     * template's); its sandboxes are stopped so that new ones run with it. Returns the previous one.
     */
    public int overrideTimeout(String function, int timeoutSeconds) {
        FunctionConfig previous = functions.retime(function, timeoutSeconds);
        coldStart(function);
        return previous.timeoutSeconds();
    }

    /** Drops the function's warm instances (sandboxes, or the in-process handler): the next invocation is a cold start. */
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
    public Map<String, List<Long>> sandboxProcesses() { return sandboxes.processes(); }

    /** Where each sandbox's first invocation spent its time (init with priming, restore, the invocation). */
    public List<ColdStart> coldStarts() { return sandboxes.coldStarts(); }

    /** How many sandboxes (cold starts) were started since the host started. */
    public int sandboxesStarted() { return sandboxes.started(); }

    /**
     * Makes the next {@code times} invocations of the function fail as the Invoke API fails them
     * (for {@link InvokeFault#INIT_CRASH}: the function's warm sandboxes are stopped and the next
     * {@code times} sandboxes started crash during init).
     */
    public void injectInvokeFault(String function, InvokeFault fault, int times) {
        invokeFaults.inject(function, fault, times);
        if (fault == InvokeFault.INIT_CRASH) coldStart(function);
    }

    public void clearInvokeFaults() { invokeFaults.clear(); }

    /**
     * Marks the function's published version as not invoked for 14 days: Lambda has made it
     * inactive, so the first invoke fails with SnapStartNotReadyException and starts re-creating the
     * snapshot, which takes {@code readyAfter}; every invoke until then fails the same way.
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html)
     */
    public void markIdleFor14Days(String function, Duration readyAfter) {
        coldStart(function);
        invokeFaults.markIdle(function, readyAfter);
    }

    /** How many times the function was invoked (successful or not) since start or the last reset. */
    public int invocationCount(String name) { return invocations.count(name); }

    public Map<String, Integer> invocationCounts() { return invocations.counts(); }

    public void resetInvocationCounts() { invocations.resetCounts(); }

    /**
     * The qualifiers the function was invoked with, in order ({@code $LATEST} when none): in AWS only a
     * published version (the {@code live} alias) runs with SnapStart; {@code $LATEST} does not.
     */
    public List<String> invokedQualifiers(String function) { return invocations.qualifiers(function); }

    /**
     * The AWS actions ({@code service:Operation}, IAM's names) each principal called through this
     * endpoint: a function's sandboxes sign with keys issued to the function's logical id, so this
     * is what each function really calls (the IAM review reads it).
     */
    public Map<String, Set<String>> awsCallsByPrincipal() {
        Map<String, Set<String>> copy = new java.util.TreeMap<>();
        awsCalls.forEach((k, v) -> copy.put(k, new java.util.TreeSet<>(v)));
        return copy;
    }

    /** Requests refused for their credentials, by refusal and principal (when known). */
    public Map<String, Integer> refusedAwsCalls() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        refusedAwsCalls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Receives every line a sandbox prints (its stdout and stderr: the function's log). */
    @FunctionalInterface
    public interface LogListener {
        void line(String function, String line);
    }

    public void addLogListener(LogListener listener) { logListeners.add(listener); }

    public void removeLogListener(LogListener listener) { logListeners.remove(listener); }

    private void sandboxLog(Sandbox sandbox, String line) {
        if (logListeners.isEmpty()) {
            System.out.println("[" + sandbox.id + "] " + line);
            return;
        }
        for (LogListener l : logListeners) l.line(sandbox.spec.function(), line);
    }

    /**
     * Reduces what callers pass as FunctionName to the registered name: a plain name, name:qualifier,
     * a partial ARN (account:function:name[:qualifier]) or a full ARN (with or without a qualifier).
     */
    public static String functionName(String raw) { return FunctionNames.name(raw); }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (path.startsWith("/moto-api/")) {
                forward(ex, body); // moto's own admin API, not an AWS one
                return;
            }
            CredentialsAuthority.Check check = authenticate(ex);
            if (!check.accepted()) {
                refuse(ex, check);
                return;
            }
            LambdaApi.Request lambda = LambdaApi.request(ex.getRequestMethod(), path);
            if (lambda != null) {
                if (denied(ex, check, lambda.action(), lambda.resource())) return;
                record(check, lambda.action());
                lambdaApi.serve(ex, lambda, body);
            } else {
                String operation = operation(ex, body);
                if (operation != null && denied(ex, check, iamAction(operation), resourceOf(body))) return;
                if (operation != null) record(check, iamAction(operation));
                AwsFault fault = takeAwsFault(operation, check.issued().principal(), body);
                if (fault != null) {
                    sendAwsFault(ex, fault);
                    return;
                }
                forward(ex, body);
            }
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
    private static final Pattern PRESIGNED_CREDENTIAL = Pattern.compile("X-Amz-Credential=([^%/&]+)");

    /** Reads the access key and session token a request was signed with (header or presigned query). */
    private CredentialsAuthority.Check authenticate(HttpExchange ex) {
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        String accessKey = null;
        if (authorization != null) {
            Matcher m = CREDENTIAL.matcher(authorization);
            if (m.find()) accessKey = m.group(1);
        } else {
            String q = String.valueOf(ex.getRequestURI().getRawQuery());
            Matcher m = PRESIGNED_CREDENTIAL.matcher(q);
            if (m.find()) accessKey = m.group(1);
        }
        String token = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
        return authority.check(accessKey, token);
    }

    /** 403 in the protocol of the request: JSON services by x-amzn-ErrorType, query services in XML. */
    private void refuse(HttpExchange ex, CredentialsAuthority.Check check) throws IOException {
        CredentialsAuthority.Refusal r = check.refusal();
        String who = check.issued() == null ? "unknown" : check.issued().principal();
        refusedAwsCalls.computeIfAbsent(r.name() + " " + who, k -> new AtomicInteger()).incrementAndGet();
        HttpReplies.forbidden(ex, r.queryCode, r.jsonCode, r.message);
    }

    /**
     * Gives the principal an identity policy that allows only these IAM actions ({@code prefix:Action});
     * its other calls are refused with AccessDenied as IAM words it. Null removes the policy. Principals
     * without one (the functions, the tests' client, the engine) may call anything here; what they call
     * is recorded for the IAM review instead.
     */
    public void identityPolicy(String principal, Set<String> allowedActions) {
        if (allowedActions == null) identityPolicies.remove(principal);
        else identityPolicies.put(principal, Set.copyOf(allowedActions));
    }

    private final Map<String, Set<String>> identityPolicies = new ConcurrentHashMap<>();
    private static final Pattern RESOURCE_FIELD = Pattern.compile(
            "\"(?:SecretId|stateMachineArn|executionArn|resourceArn)\"\\s*:\\s*\"([^\"]+)\"");

    /** The resource a JSON request names, in the words of the denial message; {@code *} if none. */
    private static String resourceOf(byte[] body) {
        Matcher m = RESOURCE_FIELD.matcher(new String(body, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "*";
    }

    /**
     * Refuses a call outside the principal's identity policy, in AWS's words: "User: ARN is not
     * authorized to perform: ACTION on resource: RESOURCE because no identity-based policy allows the
     * ACTION action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
     */
    private boolean denied(HttpExchange ex, CredentialsAuthority.Check check, String action, String resource)
            throws IOException {
        Set<String> allowed = identityPolicies.get(check.issued().principal());
        if (allowed == null || allowed.contains(action)) return false;
        String message = "User: arn:aws:sts::" + LocalAwsStack.ACCOUNT_ID + ":assumed-role/" + check.issued().principal()
                + "/session is not authorized to perform: " + action + " on resource: " + resource
                + " because no identity-based policy allows the " + action + " action";
        refusedAwsCalls.computeIfAbsent("ACCESS_DENIED " + check.issued().principal() + " " + action,
                k -> new AtomicInteger()).incrementAndGet();
        HttpReplies.forbidden(ex, "AccessDenied", "AccessDeniedException", message);
        return true;
    }

    private void record(CredentialsAuthority.Check check, String action) {
        awsCalls.computeIfAbsent(check.issued().principal(), k -> ConcurrentHashMap.newKeySet()).add(action);
    }

    /** {@code service.Action} (signing service, action) to IAM's {@code prefix:Action}. */
    static String iamAction(String operation) {
        int dot = operation.indexOf('.');
        String service = operation.substring(0, dot).toLowerCase(Locale.ROOT);
        String action = operation.substring(dot + 1);
        String prefix = service.contains("secretsmanager") ? "secretsmanager"
                : service.equals("awsstepfunctions") || service.equals("states") ? "states"
                : service.equals("amazonssm") ? "ssm"
                : service.equals("amazonsqs") ? "sqs"
                : service.equals("awsevents") ? "events"
                : service;
        return prefix + ":" + action;
    }


    /**
     * Called before every invocation, on the invocation's thread, with the function's name and its
     * payload. A listener that throws makes the invocation fail exactly as if the handler had thrown
     * that exception (tests use this to inject a failing step or to act at a precise moment).
     */
    @FunctionalInterface
    public interface InvocationListener {
        void beforeInvoke(String function, byte[] payload) throws Exception;
    }

    public void addInvocationListener(InvocationListener listener) { invocations.addListener(listener); }

    public void removeInvocationListener(InvocationListener listener) { invocations.removeListener(listener); }

    /** The most invocations of the function that ran at the same moment since the last reset (a Map state's fan-out). */
    public int mostConcurrentInvocations(String function) { return invocations.mostConcurrent(function); }

    public void resetMostConcurrentInvocations(String function) { invocations.resetMostConcurrent(function); }

    /** An injected AWS failure: the next {@code remaining} calls of {@code operation} get an error instead of moto's answer. */
    private static final class AwsFault {
        final String operation;
        final int status;
        final String errorCode;
        final String function;
        final String bodyContains;
        int remaining;

        AwsFault(String operation, int status, String errorCode, int remaining, String function, String bodyContains) {
            this.operation = operation;
            this.status = status;
            this.errorCode = errorCode;
            this.remaining = remaining;
            this.function = function;
            this.bodyContains = bodyContains;
        }
    }

    private final List<AwsFault> awsFaults = new ArrayList<>();

    /**
     * Makes the next {@code times} calls of an AWS operation fail with {@code status} and error code
     * {@code errorCode} (e.g. {@code "secretsmanager.PutSecretValue", 500, "InternalServiceError"};
     * {@code times < 0}: until cleared). The operation is {@code <service>.<Action>}: the
     * X-Amz-Target of JSON services, or the signing service plus the {@code Action} of query ones.
     */
    public void injectAwsFault(String operation, int status, String errorCode, int times) {
        injectAwsFault(operation, status, errorCode, times, null, null);
    }

    /**
     * As {@link #injectAwsFault(String, int, String, int)}, limited to calls signed with the
     * credentials of {@code function}'s sandboxes (null = any caller) whose request body contains
     * {@code bodyContains} (null = any), so that concurrent tests on other accounts and other callers
     * do not take the fault.
     */
    public void injectAwsFault(String operation, int status, String errorCode, int times, String function,
                               String bodyContains) {
        synchronized (awsFaults) {
            awsFaults.add(new AwsFault(operation, status, errorCode, times, function, bodyContains));
        }
    }

    public void clearAwsFaults() {
        synchronized (awsFaults) {
            awsFaults.clear();
        }
    }

    /** Removes the faults injected with this {@code bodyContains} (e.g. one account's secret name). */
    public void clearAwsFaults(String bodyContains) {
        synchronized (awsFaults) {
            awsFaults.removeIf(f -> java.util.Objects.equals(bodyContains, f.bodyContains));
        }
    }

    private static final Pattern SIGNING_SERVICE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/");
    private static final Pattern QUERY_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");

    /** {@code <service>.<Action>}: the X-Amz-Target of JSON services, the signing service and Action of query ones. */
    private static String operation(HttpExchange ex, byte[] body) {
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) return target;
        Matcher scope = SIGNING_SERVICE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        Matcher action = QUERY_ACTION.matcher(new String(body, StandardCharsets.UTF_8));
        return scope.find() && action.find() ? scope.group(1) + "." + action.group(1) : null;
    }

    private AwsFault takeAwsFault(String operation, String principal, byte[] body) {
        if (operation == null) return null;
        synchronized (awsFaults) {
            if (awsFaults.isEmpty()) return null;
            String text = null;
            for (Iterator<AwsFault> it = awsFaults.iterator(); it.hasNext(); ) {
                AwsFault fault = it.next();
                if (!fault.operation.equalsIgnoreCase(operation)) continue;
                if (fault.function != null && !fault.function.equals(principal)) continue;
                if (fault.bodyContains != null) {
                    if (text == null) text = new String(body, StandardCharsets.UTF_8);
                    if (!text.contains(fault.bodyContains)) continue;
                }
                if (fault.remaining > 0 && --fault.remaining == 0) it.remove();
                return fault;
            }
        }
        return null;
    }

    private static void sendAwsFault(HttpExchange ex, AwsFault fault) throws IOException {
        HttpReplies.sendAwsJsonError(ex, fault.status, fault.errorCode, "injected by the local stack");
    }

    private void forward(HttpExchange ex, byte[] body) throws IOException {
        URI target = forwardTo;
        if (target == null) {
            HttpReplies.sendText(ex, 502, "no forward target (moto) configured");
            return;
        }
        String rawQuery = ex.getRequestURI().getRawQuery();
        URI uri = URI.create(target.toString().replaceAll("/$", "") + ex.getRequestURI().getRawPath()
                + (rawQuery == null ? "" : "?" + rawQuery));
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) continue;
            for (String v : h.getValue()) {
                try {
                    rb.header(h.getKey(), v);
                } catch (IllegalArgumentException restricted) {
                    // the JDK client refuses a few headers it manages itself; moto does not need them
                }
            }
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpReplies.sendText(ex, 502, "interrupted");
            return;
        } catch (IOException e) {
            HttpReplies.sendText(ex, 502, "moto unreachable: " + e);
            return;
        }
        Headers out = ex.getResponseHeaders();
        resp.headers().map().forEach((k, vs) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) out.put(k, vs);
        });
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(resp.statusCode(), -1);
        } else {
            HttpReplies.send(ex, resp.statusCode(), resp.body());
        }
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
