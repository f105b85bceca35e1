package io.veryfikeys.localstack;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny Lambda service on a loopback port. It serves the Invoke API
 * ({@code POST /2015-03-31/functions/{name}/invocations}) by calling the registered handler class
 * in-process, and forwards every other request unchanged to moto. Moto's Step Functions engine is
 * started with {@code MOTO_PORT} pointing here, so its Lambda tasks land on the real handlers.
 */
public final class LambdaHost implements AutoCloseable {

    /** How one function is run: handler ({@code class} or {@code class::method}) and timeout. */
    public record FunctionConfig(String name, String handler, int timeoutSeconds) { }

    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Map<String, FunctionConfig> functions = new ConcurrentHashMap<>();
    private final Map<String, Instance> warm = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    private final ClassLoader classLoader;
    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient http;
    private volatile URI forwardTo;
    private volatile boolean closed;

    private LambdaHost(int port, ClassLoader classLoader) throws IOException {
        this.classLoader = classLoader;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicLong n = new AtomicLong();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-host-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    /** Starts a host on the given loopback port (0 = any free port). */
    public static LambdaHost start(int port) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            LambdaHost h = new LambdaHost(port, cl != null ? cl : LambdaHost.class.getClassLoader());
            h.server.start();
            return h;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Lambda host on port " + port + ": " + e.getMessage(), e);
        }
    }

    public static LambdaHost start() { return start(0); }

    public int port() { return server.getAddress().getPort(); }
    public URI endpoint() { return URI.create("http://127.0.0.1:" + port()); }

    /** Where non-Invoke requests go (moto). Until set, they are answered with 502. */
    public LambdaHost forwardTo(URI target) { this.forwardTo = target; return this; }

    public LambdaHost register(String name, String handler, int timeoutSeconds) {
        functions.put(name, new FunctionConfig(name, handler, timeoutSeconds));
        return this;
    }

    public LambdaHost register(String name, Class<?> handlerClass) {
        return register(name, handlerClass.getName(), 30);
    }

    public Map<String, FunctionConfig> functions() { return Map.copyOf(functions); }

    /** Drops the warm instance so the next invocation constructs a new handler (a cold start). */
    public void coldStart(String name) { warm.remove(name); }

    /** Cold-starts every function. */
    public void coldStartAll() { warm.clear(); }

    /** How many times the function was invoked (successful or not) since start or the last reset. */
    public int invocationCount(String name) {
        AtomicInteger c = invocations.get(name);
        return c == null ? 0 : c.get();
    }

    public Map<String, Integer> invocationCounts() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        invocations.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public void resetInvocationCounts() { invocations.clear(); }

    /**
     * Reduces what callers pass as FunctionName to the registered name: a plain name, name:qualifier,
     * a partial ARN (account:function:name[:qualifier]) or a full ARN (with or without a qualifier).
     */
    public static String functionName(String raw) {
        String s = raw;
        int fn = s.indexOf(":function:");
        if (fn >= 0) s = s.substring(fn + ":function:".length());
        int colon = s.indexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if ("POST".equals(ex.getRequestMethod()) && path.startsWith(INVOKE_PREFIX)
                    && path.endsWith("/invocations")) {
                String raw = path.substring(INVOKE_PREFIX.length(), path.length() - "/invocations".length());
                invoke(ex, URLDecoder.decode(raw, StandardCharsets.UTF_8));
            } else {
                forward(ex);
            }
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void invoke(HttpExchange ex, String rawName) throws IOException {
        String name = functionName(rawName);
        FunctionConfig cfg = functions.get(name);
        byte[] body = ex.getRequestBody().readAllBytes();
        if (cfg == null) {
            ObjectNode err = json.createObjectNode().put("Type", "User")
                    .put("Message", "Function not found: " + rawName);
            ex.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
            send(ex, 404, json.writeValueAsBytes(err));
            return;
        }
        invocations.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        String requestId = UUID.randomUUID().toString();
        ex.getResponseHeaders().set("x-amzn-RequestId", requestId);
        if ("Event".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
            pool.submit(() -> run(cfg, body, requestId));
            send(ex, 202, new byte[0]);
            return;
        }
        Result r = run(cfg, body, requestId);
        ex.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (r.error) ex.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        send(ex, 200, r.payload);
    }

    private record Result(byte[] payload, boolean error) { }

    /**
     * Called before every invocation, on the invocation's thread, with the function's name and its
     * payload. A listener that throws makes the invocation fail exactly as if the handler had thrown
     * that exception (tests use this to inject a failing step or to act at a precise moment).
     */
    @FunctionalInterface
    public interface InvocationListener {
        void beforeInvoke(String function, byte[] payload) throws Exception;
    }

    private final List<InvocationListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final ThreadLocal<String> INVOKING = new ThreadLocal<>();

    public void addInvocationListener(InvocationListener listener) { listeners.add(listener); }

    public void removeInvocationListener(InvocationListener listener) { listeners.remove(listener); }

    /**
     * The function whose handler runs on the calling thread, if any: lets an SDK interceptor
     * attribute an AWS call to the function that made it (handlers use synchronous clients).
     */
    public static java.util.Optional<String> invokingFunction() { return java.util.Optional.ofNullable(INVOKING.get()); }

    private Result run(FunctionConfig cfg, byte[] body, String requestId) {
        LocalContext ctx = new LocalContext(cfg, requestId);
        try {
            for (InvocationListener listener : listeners) listener.beforeInvoke(cfg.name(), body);
            INVOKING.set(cfg.name()); // after the listeners: what they call is the test's doing, not the function's
            Instance inst = warm.computeIfAbsent(cfg.name(), k -> instantiate(cfg));
            return new Result(inst.call(body, ctx), false);
        } catch (Throwable t) {
            Throwable e = t;
            while ((e instanceof InvocationTargetException || e instanceof HandlerInitException)
                    && e.getCause() != null) e = e.getCause();
            // The real AWS Lambda Java runtime reports the exception's FULLY-QUALIFIED class name as
            // errorType, and Step Functions matches Retry/Catch ErrorEquals against that string. An ASL
            // Catch written against the simple name would never match in AWS, so we must not be nicer here.
            ObjectNode err = json.createObjectNode()
                    .put("errorType", e.getClass().getName())
                    .put("errorMessage", e.getMessage());
            System.out.println("[lambda-host] " + cfg.name() + " " + requestId + " failed: " + e.getClass().getName()
                    + ": " + e.getMessage());
            try {
                return new Result(json.writeValueAsBytes(err), true);
            } catch (IOException io) {
                throw new IllegalStateException(io);
            }
        } finally {
            INVOKING.remove();
        }
    }

    private static final class HandlerInitException extends RuntimeException {
        HandlerInitException(Throwable cause) { super(cause); }
    }

    /** A warm handler instance and the way to call it. */
    private interface Instance {
        byte[] call(byte[] input, Context ctx) throws Exception;
    }

    private Instance instantiate(FunctionConfig cfg) {
        String handler = cfg.handler();
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        String methodName = sep < 0 ? null : handler.substring(sep + 2);
        Object target;
        Class<?> cls;
        try {
            cls = Class.forName(className, true, classLoader);
            target = cls.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new HandlerInitException(e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new HandlerInitException(e);
        }
        if (methodName == null || methodName.equals("handleRequest")) {
            if (target instanceof RequestStreamHandler h) {
                return (in, ctx) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    h.handleRequest(new ByteArrayInputStream(in), out, ctx);
                    return out.toByteArray();
                };
            }
        }
        Method m = findMethod(cls, methodName == null ? "handleRequest" : methodName,
                target instanceof RequestHandler<?, ?>);
        m.setAccessible(true);
        Class<?>[] p = m.getParameterTypes();
        if (p.length >= 2 && InputStream.class.isAssignableFrom(p[0]) && OutputStream.class.isAssignableFrom(p[1])) {
            return (in, ctx) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Object[] args = p.length == 3 ? new Object[]{new ByteArrayInputStream(in), out, ctx}
                        : new Object[]{new ByteArrayInputStream(in), out};
                m.invoke(target, args);
                return out.toByteArray();
            };
        }
        JavaType inType = p.length == 0 ? null : json.getTypeFactory().constructType(m.getGenericParameterTypes()[0]);
        boolean isVoid = m.getReturnType() == void.class;
        return (in, ctx) -> {
            Object[] args = new Object[p.length];
            if (p.length >= 1) {
                args[0] = in.length == 0 ? null
                        : inType.getRawClass() == Object.class ? json.readValue(in, Object.class)
                        : json.readValue(in, inType);
            }
            if (p.length >= 2) args[1] = ctx;
            Object result = m.invoke(target, args);
            return isVoid ? "null".getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(result);
        };
    }

    /** The most specific non-bridge public method with that name taking (I) or (I, Context). */
    private static Method findMethod(Class<?> cls, String name, boolean requestHandler) {
        Method best = null;
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(name) || m.isBridge() || Modifier.isStatic(m.getModifiers())) continue;
            Class<?>[] p = m.getParameterTypes();
            boolean ok = p.length == 1 || p.length == 2 && Context.class.isAssignableFrom(p[1])
                    || p.length == 3 && InputStream.class.isAssignableFrom(p[0]);
            if (!ok) continue;
            if (best == null || best.getParameterTypes()[0].isAssignableFrom(p[0])) best = m;
        }
        if (best == null)
            throw new HandlerInitException(new NoSuchMethodException(cls.getName() + "::" + name
                    + (requestHandler ? "" : " (the class implements neither RequestHandler nor RequestStreamHandler)")));
        return best;
    }

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

    /**
     * Request header naming the function whose handler made an AWS call; a test-side SDK interceptor
     * sets it (from {@link #invokingFunction()}) so that a fault can target one function's calls.
     */
    public static final String FUNCTION_HEADER = "X-Local-Lambda-Function";

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
     * As {@link #injectAwsFault(String, int, String, int)}, limited to calls made by {@code function}
     * (see {@link #FUNCTION_HEADER}; null = any caller) whose request body contains {@code bodyContains}
     * (null = any), so that concurrent tests on other accounts and other callers do not take the fault.
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

    private AwsFault takeAwsFault(HttpExchange ex, byte[] body) {
        synchronized (awsFaults) {
            if (awsFaults.isEmpty()) {
                return null;
            }
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String operation = ex.getRequestHeaders().getFirst("X-Amz-Target");
        if (operation == null) {
            Matcher scope = SIGNING_SERVICE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            Matcher action = QUERY_ACTION.matcher(text);
            operation = scope.find() && action.find() ? scope.group(1) + "." + action.group(1) : null;
        }
        if (operation == null) {
            return null;
        }
        synchronized (awsFaults) {
            for (Iterator<AwsFault> it = awsFaults.iterator(); it.hasNext(); ) {
                AwsFault fault = it.next();
                if (fault.function != null && !fault.function.equals(ex.getRequestHeaders().getFirst(FUNCTION_HEADER))) {
                    continue;
                }
                if (fault.bodyContains != null && !text.contains(fault.bodyContains)) {
                    continue;
                }
                if (fault.operation.equalsIgnoreCase(operation)) {
                    if (fault.remaining > 0 && --fault.remaining == 0) {
                        it.remove();
                    }
                    return fault;
                }
            }
        }
        return null;
    }

    private void forward(HttpExchange ex) throws IOException {
        URI target = forwardTo;
        byte[] body = ex.getRequestBody().readAllBytes();
        AwsFault fault = takeAwsFault(ex, body);
        if (fault != null) {
            ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            ex.getResponseHeaders().set("x-amzn-ErrorType", fault.errorCode);
            send(ex, fault.status, ("{\"__type\":\"" + fault.errorCode + "\",\"message\":\"injected by the local stack\"}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (target == null) {
            send(ex, 502, "no forward target (moto) configured".getBytes(StandardCharsets.UTF_8));
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
            send(ex, 502, "interrupted".getBytes(StandardCharsets.UTF_8));
            return;
        } catch (IOException e) {
            send(ex, 502, ("moto unreachable: " + e).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Headers out = ex.getResponseHeaders();
        resp.headers().map().forEach((k, vs) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) out.put(k, vs);
        });
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(resp.statusCode(), -1);
        } else {
            send(ex, resp.statusCode(), resp.body());
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || status == 204 || status == 304;
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        warm.clear();
    }

    /** A Context like the Lambda runtime's, with the template's timeout. */
    static final class LocalContext implements Context {
        private final FunctionConfig cfg;
        private final String requestId;
        private final long deadline;

        LocalContext(FunctionConfig cfg, String requestId) {
            this.cfg = cfg;
            this.requestId = requestId;
            this.deadline = System.currentTimeMillis() + cfg.timeoutSeconds() * 1000L;
        }

        @Override public String getAwsRequestId() { return requestId; }
        @Override public String getLogGroupName() { return "/aws/lambda/" + cfg.name(); }
        @Override public String getLogStreamName() { return "local"; }
        @Override public String getFunctionName() { return cfg.name(); }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:" + cfg.name();
        }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() {
            return (int) Math.max(0, deadline - System.currentTimeMillis());
        }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.println("[" + cfg.name() + "] " + message); }
                @Override public void log(byte[] message) { log(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
