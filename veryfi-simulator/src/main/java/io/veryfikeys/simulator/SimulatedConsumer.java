package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * A stand-in for a payroll or HR system that calls Veryfi with the account's key. It re-reads the
 * key from its source (the secret's AWSCURRENT, in tests) and switches to a new key only {@code
 * lag} after it appeared, like a consumer with a cache. All the while it makes real, authenticated
 * calls to the Veryfi simulator with the key it holds and counts every rejection: a lock-out is a
 * rejected call, so "never locks anyone out" is {@code rejectedCalls() == 0}. Its health endpoint
 * speaks the consumer contract: {@code GET /health} answers {@code {"keyId": <id>, "healthy":
 * <bool>}}.
 */
public final class SimulatedConsumer implements AutoCloseable {
    /** What the consumer reads from its key source: the key id and the credentials to call with. */
    public record Credentials(
            long keyId,
            URI baseUrl,
            String clientId,
            String username,
            String apiKey,
            String clientSecret) {
        /**
         * What a consumer reads from the account secret's JSON ({@code apiKeyId}, {@code baseUrl},
         * {@code clientId}, {@code username}, {@code apiKey}, optional {@code clientSecret}). The
         * error names the secret, never its content.
         */
        public static Credentials fromSecretString(String secretId, String secretString) {
            try {
                var json = MAPPER.readTree(secretString);
                return new Credentials(
                        json.get("apiKeyId").asLong(),
                        URI.create(json.get("baseUrl").asText()),
                        json.get("clientId").asText(),
                        json.get("username").asText(),
                        json.get("apiKey").asText(),
                        json.hasNonNull("clientSecret") ? json.get("clientSecret").asText() : null);
            } catch (Exception e) {
                throw new IllegalStateException("unreadable secret " + secretId);
            }
        }

        @Override
        public String toString() {
            return "Credentials[keyId=" + keyId + ", clientId=" + clientId + "]";
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final Supplier<Credentials> source;
    private final HttpServer server;
    private final ScheduledExecutorService loop;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong acceptedCalls = new AtomicLong();
    private final AtomicLong rejectedCalls = new AtomicLong();
    private final ChangeListeners listeners = new ChangeListeners();

    private volatile Duration lag;
    private volatile boolean frozen;
    private volatile LongPredicate unhealthyOnKey = id -> false;
    private volatile Credentials inUse;
    private volatile Credentials seen;
    private volatile long seenAtMillis;
    private volatile boolean lastCallOk = true;

    private SimulatedConsumer(
            String name, Supplier<Credentials> source, Duration lag, Duration tick)
            throws IOException {
        this.name = name;
        this.source = source;
        this.lag = lag;
        this.inUse = source.get();
        this.seen = inUse;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/health",
                exchange -> {
                    Credentials current = inUse;
                    boolean healthy = lastCallOk && !unhealthyOnKey.test(current.keyId());
                    byte[] body =
                            MAPPER.writeValueAsBytes(
                                    Map.of(
                                            "keyId",
                                            current.keyId(),
                                            "healthy",
                                            healthy,
                                            "consumer",
                                            name));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        this.loop =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "consumer-" + name);
                            thread.setDaemon(true);
                            return thread;
                        });
        loop.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * @param lag how long after a new key appears in the source this consumer starts using it
     * @param tick how often it re-reads the source and calls Veryfi
     */
    public static SimulatedConsumer start(
            String name, Supplier<Credentials> source, Duration lag, Duration tick) {
        try {
            return new SimulatedConsumer(name, source, lag, tick);
        } catch (IOException e) {
            throw new IllegalStateException("could not start consumer " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public URI healthUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    public long keyIdInUse() {
        return inUse.keyId();
    }

    public long acceptedCalls() {
        return acceptedCalls.get();
    }

    /** Calls Veryfi rejected (401/403): each one is a moment this consumer was locked out. */
    public long rejectedCalls() {
        return rejectedCalls.get();
    }

    /**
     * From now on, {@code listener} hears when this consumer switches keys and when Veryfi rejects
     * one of its calls, on the consumer's own thread, right after {@link #keyIdInUse()} or {@link
     * #rejectedCalls()} changed.
     */
    public void addChangeListener(ChangeListener listener) {
        listeners.add(listener);
    }

    public void removeChangeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    /**
     * Stops following the source: the consumer keeps its key forever (a consumer that never
     * migrates).
     */
    public SimulatedConsumer freeze() {
        frozen = true;
        return this;
    }

    public SimulatedConsumer lag(Duration lag) {
        this.lag = lag;
        return this;
    }

    /**
     * Reports unhealthy whenever it uses a key matching the predicate (e.g. any key but the first).
     */
    public SimulatedConsumer unhealthyWhenUsing(LongPredicate keys) {
        this.unhealthyOnKey = keys;
        return this;
    }

    private void tick() {
        try {
            follow();
            call();
        } catch (RuntimeException e) {
            // a source that is briefly unreadable is not a Veryfi lock-out; try again next tick
        }
    }

    private void follow() {
        if (frozen) {
            return;
        }
        Credentials latest = source.get();
        long now = System.currentTimeMillis();
        if (latest.keyId() != seen.keyId()) {
            seen = latest;
            seenAtMillis = now;
        }
        if (seen.keyId() != inUse.keyId() && now - seenAtMillis >= lag.toMillis()) {
            Credentials from = inUse;
            Credentials to = seen;
            inUse = to;
            listeners.fire(
                    new ChangeEvent.ConsumerSwitchedKey(
                            to.clientId(), name, from.keyId(), to.keyId()));
        }
    }

    private void call() {
        Credentials credentials = inUse;
        long timestamp = System.currentTimeMillis();
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(
                                        credentials.baseUrl().toString().replaceAll("/+$", "")
                                                + "/api/v8/partner/documents"))
                        .timeout(Duration.ofSeconds(3))
                        .header("CLIENT-ID", credentials.clientId())
                        .header(
                                "AUTHORIZATION",
                                "apikey " + credentials.username() + ":" + credentials.apiKey())
                        .header("Accept", "application/json")
                        .header("X-Veryfi-Request-Timestamp", Long.toString(timestamp))
                        .GET();
        if (credentials.clientSecret() != null) {
            request.header(
                    "X-Veryfi-Request-Signature",
                    RequestSignature.sign(credentials.clientSecret(), "", timestamp));
        }
        try {
            int status =
                    http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 401 || status == 403) {
                rejectedCalls.incrementAndGet();
                lastCallOk = false;
                listeners.fire(
                        new ChangeEvent.ConsumerCallRejected(
                                credentials.clientId(), name, credentials.keyId(), status));
            } else if (status == 200) {
                acceptedCalls.incrementAndGet();
                lastCallOk = true;
            }
        } catch (IOException e) {
            // Veryfi unreachable (an injected fault): not a rejection of the key
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        server.stop(0);
    }

    @Override
    public String toString() {
        return "SimulatedConsumer[" + name + ", keyId=" + inUse.keyId() + "]";
    }
}
