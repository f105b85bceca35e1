package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * One Lambda execution environment: a JVM of its own, started from the deployable artifact through
 * the real Runtime Interface Client, and the Runtime API it talks to ({@code
 * /2018-06-01/runtime/invocation/next}, {@code /response}, {@code /error}, {@code /init/error}, and
 * for SnapStart {@code /restore/next}, {@code /restore/error}).
 *
 * <p>It handles one invocation at a time. The function's timeout is enforced here, as Lambda does:
 * the RIC does not stop a handler, so at the deadline the process is killed and the caller gets
 * {@code Sandbox.Timedout}. A process that exits mid-invocation answers {@code Runtime.ExitError}.
 */
final class Sandbox implements AutoCloseable {

    /** What a sandbox runs. {@code environment} is the complete environment of the process. */
    record Spec(
            String function,
            String handler,
            int timeoutSeconds,
            int memoryMb,
            Path taskRoot,
            Map<String, String> environment,
            Path extraClassPath) {}

    /**
     * An invocation's outcome: the payload, and whether it is a function error
     * (X-Amz-Function-Error).
     */
    record Outcome(byte[] payload, boolean functionError) {
        String errorType() {
            if (!functionError) return null;
            try {
                return JSON.readTree(payload).path("errorType").asText(null);
            } catch (IOException e) {
                return null;
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String API = "/2018-06-01/runtime";

    /**
     * A SnapStart snapshot may take its time at publish; a sandbox that never gets ready is given
     * up.
     */
    static final Duration INIT_BOUND = Duration.ofSeconds(120);

    private static final class Invocation {
        final String requestId;
        final byte[] payload;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        volatile long handedOut;

        Invocation(String requestId, byte[] payload) {
            this.requestId = requestId;
            this.payload = payload;
        }
    }

    final String id;
    final Spec spec;
    private final HttpServer api;
    private final Process process;
    private final String token;
    private final ContainerCredentialsEndpoint credentials;
    private final ScheduledExecutorService timers;
    private final LinkedBlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Invocation> current = new AtomicReference<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile byte[] initError;
    private final long spawned = System.nanoTime();
    private volatile long restoreAsked;
    private volatile long firstNext;
    private volatile boolean invokedBefore;
    private volatile ColdStart coldStart;

    /** CPU time of the JVM when its first invocation ended (-1 before). */
    private volatile long firstInvocationCpuMillis = -1;

    private volatile boolean closed;

    private Sandbox(
            String id,
            Spec spec,
            ContainerCredentialsEndpoint credentials,
            ExecutorService executor,
            ScheduledExecutorService timers,
            BiConsumer<Sandbox, String> logLines,
            Map<String, String> hostEnvironment)
            throws IOException {
        this.id = id;
        this.spec = spec;
        this.credentials = credentials;
        this.timers = timers;
        this.api =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.setExecutor(executor);
        api.createContext(API + "/", this::handle);
        api.start();
        this.token = credentials.register(spec.function(), id);

        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.putAll(hostEnvironment);
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        ProcessBuilder pb =
                new ProcessBuilder(
                                ManagedJavaRuntime.get()
                                        .command(
                                                spec.handler(),
                                                spec.memoryMb(),
                                                spec.extraClassPath()))
                        .directory(spec.taskRoot().toFile())
                        .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            api.stop(0);
            credentials.retire(token, id);
            throw e;
        }
        this.process = p;
        Thread reader = new Thread(() -> pump(logLines), "sandbox-log-" + id);
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(this::exited);
        timers.schedule(
                () -> {
                    if (!ready.isDone()) fail(initTimedOut());
                },
                INIT_BOUND.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    static Sandbox start(
            String id,
            Spec spec,
            ContainerCredentialsEndpoint credentials,
            ExecutorService executor,
            ScheduledExecutorService timers,
            BiConsumer<Sandbox, String> logLines,
            Map<String, String> hostEnvironment) {
        try {
            return new Sandbox(id, spec, credentials, executor, timers, logLines, hostEnvironment);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start a sandbox for " + spec.function() + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return !closed && process.isAlive();
    }

    /** Runs one invocation and waits for its outcome (success, function error, timeout, crash). */
    Outcome invoke(String requestId, byte[] payload) {
        long asked = System.nanoTime();
        Invocation inv = new Invocation(requestId, payload);
        if (!alive()) return exitError(inv);
        queue.add(inv);
        if (!alive() && queue.remove(inv)) return exitError(inv);
        try {
            Outcome outcome = inv.result.get();
            if (!invokedBefore) {
                invokedBefore = true;
                long end = System.nanoTime();
                long ready = firstNext == 0 ? end : firstNext;
                long initEnd = restoreAsked != 0 ? restoreAsked : ready;
                long handed = inv.handedOut == 0 ? end : inv.handedOut;
                coldStart =
                        new ColdStart(
                                spec.function(),
                                id,
                                millis(initEnd - spawned),
                                millis(ready - initEnd),
                                millis(end - handed),
                                millis(end - asked),
                                outcome.functionError());
                firstInvocationCpuMillis = cpuMillis();
            }
            return outcome;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + spec.function() + " ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring(API.length());
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            if ("GET".equals(method) && path.equals("/invocation/next")) {
                next(ex);
            } else if ("POST".equals(method)
                    && path.startsWith("/invocation/")
                    && path.endsWith("/response")) {
                complete(
                        ex,
                        path.substring(
                                "/invocation/".length(), path.length() - "/response".length()),
                        new Outcome(body, false));
            } else if ("POST".equals(method)
                    && path.startsWith("/invocation/")
                    && path.endsWith("/error")) {
                complete(
                        ex,
                        path.substring("/invocation/".length(), path.length() - "/error".length()),
                        new Outcome(body, true));
            } else if ("POST".equals(method)
                    && (path.equals("/init/error") || path.equals("/restore/error"))) {
                initError = body;
                send(ex, 202, "{\"status\":\"OK\"}");
            } else if ("GET".equals(method) && path.equals("/restore/next")) {
                // The snapshot is taken here; what resumes is a restored environment, whose
                // credentials are fresh: anything resolved before the checkpoint is over.
                restoreAsked = System.nanoTime();
                credentials.restored(id);
                send(ex, 200, "");
            } else {
                send(
                        ex,
                        404,
                        "{\"errorMessage\":\"unknown runtime API path "
                                + path
                                + "\",\"errorType\":\"InvalidRequest\"}");
            }
        }
    }

    private void next(HttpExchange ex) throws IOException {
        if (firstNext == 0) firstNext = System.nanoTime();
        ready.complete(null); // the first /next: init (and, for SnapStart, the restore) is done
        Invocation inv;
        try {
            inv = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        current.set(inv);
        inv.handedOut = System.nanoTime();
        long deadline = System.currentTimeMillis() + spec.timeoutSeconds() * 1000L;
        timers.schedule(
                () -> {
                    if (inv.result.complete(timedOut(inv))) kill();
                },
                spec.timeoutSeconds() * 1000L,
                TimeUnit.MILLISECONDS);
        var h = ex.getResponseHeaders();
        h.set("Lambda-Runtime-Aws-Request-Id", inv.requestId);
        h.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        h.set(
                "Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:"
                        + spec.environment().getOrDefault("AWS_REGION", "us-east-1")
                        + ":123456789012:function:"
                        + spec.function());
        h.set(
                "Lambda-Runtime-Trace-Id",
                "Root=1-"
                        + Long.toHexString(System.currentTimeMillis() / 1000)
                        + "-"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 24)
                        + ";Sampled=0");
        h.set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, inv.payload.length == 0 ? -1 : inv.payload.length);
        if (inv.payload.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(inv.payload);
            }
        }
    }

    private void complete(HttpExchange ex, String requestId, Outcome outcome) throws IOException {
        Invocation inv = current.get();
        if (inv == null || !inv.requestId.equals(requestId)) {
            send(
                    ex,
                    400,
                    "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        current.compareAndSet(inv, null);
        inv.result.complete(outcome);
        send(ex, 202, "{\"status\":\"OK\"}");
    }

    private Outcome timedOut(Invocation inv) {
        // What Lambda reports for a function that outlives its timeout, and so the error name Step
        // Functions matches ("Sandbox.Timedout",
        // https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html; older
        // runtimes gave no errorType and Step Functions reported Lambda.Unknown).
        return error(
                "Sandbox.Timedout",
                "RequestId: "
                        + inv.requestId
                        + " Error: Task timed out after "
                        + String.format(Locale.ROOT, "%.2f", (double) spec.timeoutSeconds())
                        + " seconds");
    }

    private Outcome exitError(Invocation inv) {
        byte[] init = initError;
        if (init != null) return new Outcome(init, true);
        int code = process.isAlive() ? -1 : process.exitValue();
        return error(
                "Runtime.ExitError",
                "RequestId: "
                        + inv.requestId
                        + " Error: Runtime exited with error: exit status "
                        + code);
    }

    private Outcome initTimedOut() {
        return error(
                "Runtime.InitTimeout",
                "the sandbox of "
                        + spec.function()
                        + " did not finish its init within "
                        + INIT_BOUND);
    }

    private static Outcome error(String type, String message) {
        try {
            return new Outcome(
                    JSON.writeValueAsBytes(
                            JSON.createObjectNode()
                                    .put("errorType", type)
                                    .put("errorMessage", message)),
                    true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails whatever waits and stops the process. */
    private void fail(Outcome outcome) {
        Invocation inv;
        while ((inv = queue.poll()) != null) inv.result.complete(outcome);
        inv = current.getAndSet(null);
        if (inv != null) inv.result.complete(outcome);
        ready.completeExceptionally(new IllegalStateException("sandbox failed"));
        kill();
    }

    private void exited() {
        closed = true;
        ready.completeExceptionally(new IllegalStateException("sandbox exited"));
        Invocation inv;
        while ((inv = queue.poll()) != null) inv.result.complete(exitError(inv));
        inv = current.getAndSet(null);
        if (inv != null) inv.result.complete(exitError(inv));
        api.stop(0);
        credentials.retire(token, id);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void pump(BiConsumer<Sandbox, String> logLines) {
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) logLines.accept(this, line);
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    /** The first invocation's phases, once it is over (null before). */
    ColdStart coldStart() {
        return coldStart;
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }

    /** CPU time the JVM has used so far (0 once it is gone, where the OS no longer says). */
    long cpuMillis() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toMillis)
                .orElse(0L);
    }

    /** CPU time the JVM had used when its first invocation ended, or -1. */
    long firstInvocationCpuMillis() {
        return firstInvocationCpuMillis;
    }

    /** Stops the process and waits until it is gone. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        kill();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
