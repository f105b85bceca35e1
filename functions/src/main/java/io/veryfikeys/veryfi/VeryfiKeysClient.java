package io.veryfikeys.veryfi;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.SecretValue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Veryfi's partner key-management API (Settings → client-keys). Every call authenticates
 * with {@code authKey}, one of the account's live keys, and is signed when the account has a
 * client secret. Transient failures (429, 499, 5xx, I/O) are retried here with jittered
 * exponential backoff and a bound; everything else surfaces at once as a typed
 * {@link VeryfiException}.
 *
 * <p><b>Non-idempotent calls.</b> {@link #createKey} and {@link #resetKeys} change state at Veryfi.
 * If such a request may have reached Veryfi and the answer was lost (a timeout, a connection
 * reset or closed after the request was written), retrying it could create a second key (and
 * run into the two-key limit, or leave an orphan nobody knows the value of), or reset a second
 * time and thereby invalidate the keys the first reset returned, whose values we never saw.
 * So those two are retried only when Veryfi certainly did not perform the operation:
 * <ul>
 *   <li>the connection was never established (connection refused, connect timeout, unknown
 *       host): the request never left this machine;</li>
 *   <li>Veryfi answered 429, 499 or 5xx: it looked at the request and did not perform it.</li>
 * </ul>
 * Any other I/O failure surfaces as {@link VeryfiUnavailableException} after that single attempt,
 * and the caller reconciles (lists the keys and compares them with what it has stored) instead
 * of guessing. {@link #listKeyIds} and {@link #deleteKey} are safe to repeat (a repeated delete
 * answers 404, which callers read as "already gone") and are retried on any transient failure.
 *
 * <p>Key values, the client secret and the {@code AUTHORIZATION} header never appear in a log
 * line, an exception message or a {@code toString}; nor does a response body of create/reset.
 *
 * <p>Build one instance per JVM ({@link #create()}) and share it: it is thread-safe.
 */
public final class VeryfiKeysClient implements VeryfiKeys {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Less than this left in the invocation: a call is not sent at all. */
    static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);

    static final String KEYS_PATH = "api/v8/partner/client-keys";
    private static final String USER_AGENT = "veryfi-key-rotation/0.1";
    private static final Log LOG = Log.get(VeryfiKeysClient.class);

    /** One HTTP client per JVM (per Lambda execution environment), built on first use. */
    private static final class Shared {
        static final Transport HTTP = new UrlConnectionTransport(DEFAULT_CONNECT_TIMEOUT);
        static final VeryfiKeysClient DEFAULT = new VeryfiKeysClient(
                HTTP, RetryPolicy.DEFAULT, requestTimeoutFromEnvironment(),
                Sleeper.REAL, () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());

        /** {@code VERYFI_REQUEST_TIMEOUT_MILLIS} (optional, tests shorten it), else {@link #DEFAULT_REQUEST_TIMEOUT}. */
        private static Duration requestTimeoutFromEnvironment() {
            String millis = io.veryfikeys.support.Env.get("VERYFI_REQUEST_TIMEOUT_MILLIS", null);
            return millis == null ? DEFAULT_REQUEST_TIMEOUT : Duration.ofMillis(Long.parseLong(millis.trim()));
        }
    }

    /** Waits between attempts; replaced in unit tests. */
    @FunctionalInterface
    interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    enum Operation {
        LIST("list keys", "GET", false, true),
        CREATE("create key", "POST", true, false),
        DELETE("delete key", "DELETE", false, true),
        RESET("reset keys", "POST", true, false);

        final String label;
        final String method;
        final boolean hasBody;
        /** Safe to send again when we do not know whether Veryfi performed it. */
        final boolean idempotent;

        Operation(String label, String method, boolean hasBody, boolean idempotent) {
            this.label = label;
            this.method = method;
            this.hasBody = hasBody;
            this.idempotent = idempotent;
        }

        String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Transport transport;
    private final RetryPolicy policy;
    private final Duration requestTimeout;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Clock clock;

    /** The shared per-JVM instance with the default timeouts and {@link RetryPolicy#DEFAULT}. */
    public static VeryfiKeysClient create() {
        return Shared.DEFAULT;
    }

    /** Defaults (3 s connect, 10 s per request, {@link RetryPolicy#DEFAULT}) on the shared HTTP client. */
    public VeryfiKeysClient() {
        this(RetryPolicy.DEFAULT);
    }

    /** The given retry policy, default timeouts, on the shared HTTP client. */
    public VeryfiKeysClient(RetryPolicy policy) {
        this(Shared.HTTP, policy, DEFAULT_REQUEST_TIMEOUT, Sleeper.REAL,
                () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    /**
     * Custom retries and timeouts (tests shorten them). A connect timeout other than the
     * default needs an HTTP client of its own, so build such an instance once and keep it.
     *
     * @param requestTimeout the wait for one attempt's complete response
     */
    public VeryfiKeysClient(RetryPolicy policy, Duration connectTimeout, Duration requestTimeout) {
        this(connectTimeout.equals(DEFAULT_CONNECT_TIMEOUT) ? Shared.HTTP : new UrlConnectionTransport(connectTimeout),
                policy, requestTimeout, Sleeper.REAL,
                () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    /** For unit tests: a fake transport, sleeper, jitter source and clock. */
    VeryfiKeysClient(Transport transport, RetryPolicy policy, Duration requestTimeout,
                     Sleeper sleeper, DoubleSupplier random, Clock clock) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public RetryPolicy retryPolicy() {
        return policy;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public List<Long> listKeyIds(VeryfiAccount account, SecretValue authKey) {
        return execute(Operation.LIST, account, authKey, null, (reply, trace) -> parseKeyIds(reply.body(), trace));
    }

    @Override
    public ApiKey createKey(VeryfiAccount account, SecretValue authKey) {
        return execute(Operation.CREATE, account, authKey, null, (reply, trace) -> parseCreatedKey(reply.body(), trace));
    }

    @Override
    public void deleteKey(VeryfiAccount account, SecretValue authKey, long keyId) {
        execute(Operation.DELETE, account, authKey, keyId, (reply, trace) -> null);
    }

    @Override
    public List<ApiKey> resetKeys(VeryfiAccount account, SecretValue authKey) {
        return execute(Operation.RESET, account, authKey, null, (reply, trace) -> parseResetKeys(reply.body(), trace));
    }

    // ---------------------------------------------------------------------------------------
    // The retry loop

    @FunctionalInterface
    private interface Reader<T> {
        T read(Transport.Reply reply, String trace);
    }

    private <T> T execute(Operation op, VeryfiAccount account, SecretValue authKey, Long keyId, Reader<T> reader) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(authKey, "authKey");
        URI uri = uri(account.baseUrl(), op, keyId);
        Instant start = clock.instant();
        // The call's own budget, cut short by the invocation's (see InvocationDeadline): a retry that
        // would outlast the function's timeout is not started, the state machine retries the step.
        Duration invocationLeft = InvocationDeadline.remaining();
        Instant deadline = invocationLeft.compareTo(policy.maxTotalTime()) < 0
                ? start.plus(invocationLeft) : start.plus(policy.maxTotalTime());
        if (invocationLeft.compareTo(MIN_ATTEMPT_TIME) < 0) {
            throw fail(op, account, keyId, 0, start, null, 0, "deadline",
                    new VeryfiUnavailableException(describe(op, keyId, 0, null, null, 0)
                            + ": not sent, no time left in this invocation (the step is retried)", 0, null));
        }
        int attempt = 0;
        while (true) {
            attempt++;
            Duration remaining = Duration.between(clock.instant(), deadline);
            Duration timeout = remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout;
            if (timeout.toMillis() < 1) {
                timeout = Duration.ofMillis(1);
            }
            Transport.Reply reply;
            try {
                reply = transport.send(request(op, uri, account, authKey, timeout));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(op, account, keyId, attempt, start, null, 0, "io",
                        new VeryfiUnavailableException(describe(op, keyId, 0, null, null, attempt)
                                + ": interrupted", 0, null));
            } catch (IOException e) {
                boolean notSent = surelyNotSent(e);
                String what = ioDescription(e);
                if (!op.idempotent && !notSent) {
                    // See the class comment: the request may have been performed; a retry could
                    // create a second key / reset twice. The caller reconciles.
                    throw fail(op, account, keyId, attempt, start, null, 0, "io",
                            new VeryfiAnswerLostException(describe(op, keyId, 0, null, null, attempt)
                                    + ": " + what + "; the request may have reached Veryfi, so it is not"
                                    + " retried (list the keys to find out what happened)", e));
                }
                Duration delay = retryDelay(attempt, Duration.ZERO, deadline);
                if (delay == null) {
                    throw fail(op, account, keyId, attempt, start, null, 0, "io",
                            new VeryfiUnavailableException(describe(op, keyId, 0, null, null, attempt)
                                    + ": " + what + giveUpReason(attempt), 0, e));
                }
                warnRetry(op, account, keyId, attempt, 0, null, what, delay);
                sleep(op, account, keyId, attempt, start, delay);
                continue;
            }

            int status = reply.status();
            String trace = reply.traceId();
            if (status >= 200 && status < 300) {
                T result;
                try {
                    result = reader.read(reply, trace);
                } catch (MalformedResponseException e) {
                    throw fail(op, account, keyId, attempt, start, trace, status, "malformed",
                            new MalformedResponseException(describe(op, keyId, status, null, trace, attempt)
                                    + ": " + e.getMessage(), status, null));
                }
                logSuccess(op, account, keyId, attempt, start, trace, status, result);
                return result;
            }

            ErrorBody error = ErrorBody.parse(reply.body());
            String code = error.code().orElse(null);
            String message = describe(op, keyId, status, code, trace, attempt)
                    + error.message().map(m -> ": " + scrub(m, account, authKey)).orElse("");
            if (status == 429) {
                Optional<Duration> retryAfter = RetryAfter.parse(reply.retryAfter(), clock.instant());
                Duration minimum = retryAfter.orElse(Duration.ZERO);
                Duration delay = retryAfter.isPresent() && minimum.compareTo(policy.maxRetryAfter()) > 0
                        ? null : retryDelay(attempt, minimum, deadline);
                if (delay == null) {
                    throw fail(op, account, keyId, attempt, start, trace, status, code,
                            new VeryfiRateLimitedException(message
                                    + retryAfter.map(d -> "; Retry-After " + d.toMillis() + " ms").orElse("")
                                    + giveUpReason(attempt), retryAfter.orElse(null), null));
                }
                warnRetry(op, account, keyId, attempt, status, trace, code, delay);
                sleep(op, account, keyId, attempt, start, delay);
                continue;
            }
            if (status == 499 || (status >= 500 && status < 600)) {
                // Veryfi answered, so it did not perform the operation: safe to retry even create/reset.
                Duration delay = retryDelay(attempt, Duration.ZERO, deadline);
                if (delay == null) {
                    throw fail(op, account, keyId, attempt, start, trace, status, code,
                            new VeryfiUnavailableException(message + giveUpReason(attempt), status, null));
                }
                warnRetry(op, account, keyId, attempt, status, trace, code, delay);
                sleep(op, account, keyId, attempt, start, delay);
                continue;
            }
            throw fail(op, account, keyId, attempt, start, trace, status, code, classify(op, status, error, message));
        }
    }

    /** A non-retryable, non-2xx status: the typed exception for it. */
    static VeryfiException classify(Operation op, int status, ErrorBody error, String message) {
        if (status == 400) {
            if (error.codeContains("LIMIT")) {
                return new KeyLimitReachedException(message, status, null);
            }
            if (error.codeContains("LAST")) {
                return new LastKeyException(message, status, null);
            }
            if (error.code().isEmpty()) {
                // Veryfi's documented 400s for these two operations; the status is the primary signal.
                if (op == Operation.CREATE) {
                    return new KeyLimitReachedException(message, status, null);
                }
                if (op == Operation.DELETE) {
                    return new LastKeyException(message, status, null);
                }
            }
            return new VeryfiRequestException(message, status, null);
        }
        if (status == 403) {
            return new VeryfiForbiddenException(message, status, null);
        }
        if (status == 401) {
            return new VeryfiAuthException(message, status, null);
        }
        if (status == 404) {
            return new KeyNotFoundException(message, status, null);
        }
        if (status >= 400 && status < 500) {
            return new VeryfiRequestException(message, status, null);
        }
        // 1xx/3xx (redirects are not followed) or anything else unexpected.
        return new MalformedResponseException(message + ": unexpected HTTP status", status, null);
    }

    /**
     * The wait before the next attempt, or null to give up: out of attempts, or the wait plus a
     * minimal attempt would not fit the total time budget.
     */
    private Duration retryDelay(int attemptsSoFar, Duration minimum, Instant deadline) {
        if (attemptsSoFar >= policy.maxAttempts()) {
            return null;
        }
        Duration delay = policy.backoff(attemptsSoFar, random.getAsDouble());
        if (delay.compareTo(minimum) < 0) {
            delay = minimum;
        }
        Instant nextStart = clock.instant().plus(delay);
        if (!nextStart.plus(Duration.ofMillis(50)).isBefore(deadline)) {
            return null;
        }
        return delay;
    }

    private String giveUpReason(int attempts) {
        return attempts >= policy.maxAttempts() ? "; giving up after " + attempts + " attempt(s)"
                : "; giving up: the next attempt would not fit the time budget of "
                + policy.maxTotalTime().toMillis() + " ms";
    }

    private void sleep(Operation op, VeryfiAccount account, Long keyId, int attempt, Instant start, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(op, account, keyId, attempt, start, null, 0, "interrupted",
                    new VeryfiUnavailableException(describe(op, keyId, 0, null, null, attempt)
                            + ": interrupted while waiting to retry", 0, null));
        }
    }

    /**
     * True when the failure happened before a connection existed, so the request cannot have
     * reached Veryfi. {@link UrlConnectionTransport} reports every failure to connect (refused,
     * connect timeout, unknown host) as a {@link ConnectException}; a read timeout after the
     * request was written is a plain {@link java.net.SocketTimeoutException}: "sent, no answer in time".
     */
    static boolean surelyNotSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String ioDescription(IOException e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    // ---------------------------------------------------------------------------------------
    // Requests

    static URI uri(URI baseUrl, Operation op, Long keyId) {
        String base = baseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/api/v8")) {
            base = base.substring(0, base.length() - "/api/v8".length());
        }
        String path = base + "/" + KEYS_PATH;
        return URI.create(switch (op) {
            case LIST, CREATE -> path;
            case DELETE -> path + "/" + Objects.requireNonNull(keyId, "keyId");
            case RESET -> path + "/reset";
        });
    }

    private Transport.Request request(Operation op, URI uri, VeryfiAccount account, SecretValue authKey, Duration timeout) {
        String body = op.hasBody ? "{}" : null;
        long timestamp = clock.millis();
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("CLIENT-ID", account.clientId());
        headers.put("AUTHORIZATION", "apikey " + account.username() + ":" + authKey.reveal());
        headers.put("Accept", "application/json");
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Veryfi-Request-Timestamp", Long.toString(timestamp));
        account.clientSecret().ifPresent(secret ->
                headers.put("X-Veryfi-Request-Signature", RequestSigner.sign(account.signing(), secret, body, timestamp)));
        return new Transport.Request(op.method, uri, headers, body, timeout);
    }

    // ---------------------------------------------------------------------------------------
    // Responses. Parse errors never carry the body or Jackson's message (which quotes the
    // offending token): on create/reset that text is key material.

    static List<Long> parseKeyIds(String body, String trace) {
        JsonNode root = readJson(body);
        JsonNode keys = root.isArray() ? root : root.get("api_keys");
        if (keys == null || !keys.isArray()) {
            throw malformed("no \"api_keys\" array");
        }
        List<Long> ids = new ArrayList<>(keys.size());
        for (JsonNode key : keys) {
            Long id = key.isObject() ? id(key.get("id")) : id(key);
            if (id == null) {
                throw malformed("an entry of \"api_keys\" has no readable \"id\"");
            }
            ids.add(id);
        }
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    static ApiKey parseCreatedKey(String body, String trace) {
        JsonNode root = readJson(body);
        if (root.isObject() && root.get("id") == null && root.path("api_key").isObject()) {
            root = root.get("api_key");
        }
        return apiKey(root);
    }

    static List<ApiKey> parseResetKeys(String body, String trace) {
        JsonNode root = readJson(body);
        JsonNode keys = root.isArray() ? root : root.get("api_keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw malformed("no non-empty \"api_keys\" array");
        }
        List<ApiKey> result = new ArrayList<>(keys.size());
        for (JsonNode key : keys) {
            result.add(apiKey(key));
        }
        return List.copyOf(result);
    }

    private static ApiKey apiKey(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw malformed("a key is not a JSON object");
        }
        Long id = id(node.get("id"));
        if (id == null) {
            throw malformed("a key has no readable \"id\"");
        }
        JsonNode value = node.get("value");
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw malformed("key " + id + " has no \"value\"");
        }
        return new ApiKey(id, SecretValue.of(value.asText()));
    }

    private static Long id(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual() && node.asText().matches("\\d{1,18}")) {
            return Long.parseLong(node.asText());
        }
        return null;
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            throw malformed("empty body");
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || !root.isContainerNode()) {
                throw malformed("body is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw malformed("body is not JSON");
        }
    }

    private static MalformedResponseException malformed(String why) {
        return new MalformedResponseException(why, 0, null);
    }

    // ---------------------------------------------------------------------------------------
    // Messages and logs: ids, statuses, codes, trace ids. Never a key value.

    private static String describe(Operation op, Long keyId, int status, String code, String trace, int attempts) {
        StringBuilder b = new StringBuilder("Veryfi ").append(op.label);
        if (keyId != null) {
            b.append(' ').append(keyId);
        }
        b.append(" failed: ").append(status == 0 ? "no response" : "HTTP " + status);
        if (code != null) {
            b.append(", code ").append(code);
        }
        if (trace != null) {
            b.append(", trace id ").append(trace);
        }
        b.append(", attempts ").append(attempts);
        return b.toString();
    }

    /** Veryfi's error message is shown, but never with a credential we sent echoed back in it. */
    private static String scrub(String text, VeryfiAccount account, SecretValue authKey) {
        String result = text.replace(authKey.reveal(), "****");
        if (account.clientSecret().isPresent()) {
            result = result.replace(account.clientSecret().get().reveal(), "****");
        }
        return result;
    }

    private VeryfiException fail(Operation op, VeryfiAccount account, Long keyId, int attempts, Instant start,
                                 String trace, int status, String code, VeryfiException error) {
        LOG.warn("veryfi.call",
                "operation", op.logName(), "clientId", account.clientId(), "keyId", keyId,
                "status", status, "code", code, "outcome", error.getClass().getSimpleName(),
                "attempts", attempts, "durationMs", Duration.between(start, clock.instant()).toMillis(),
                "traceId", trace);
        return error;
    }

    private void logSuccess(Operation op, VeryfiAccount account, Long keyId, int attempts, Instant start,
                            String trace, int status, Object result) {
        Object ids = keyId;
        if (result instanceof ApiKey key) {
            ids = key.id();
        } else if (result instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof ApiKey) {
            ids = list.stream().map(k -> String.valueOf(((ApiKey) k).id())).toList().toString();
        }
        LOG.info("veryfi.call",
                "operation", op.logName(), "clientId", account.clientId(), "keyId", ids,
                "status", status, "outcome", "ok",
                "keyCount", result instanceof List<?> list ? list.size() : null,
                "attempts", attempts, "durationMs", Duration.between(start, clock.instant()).toMillis(),
                "traceId", trace);
    }

    private void warnRetry(Operation op, VeryfiAccount account, Long keyId, int attempt, int status, String trace,
                           String reason, Duration delay) {
        LOG.warn("veryfi.retry",
                "operation", op.logName(), "clientId", account.clientId(), "keyId", keyId,
                "attempt", attempt, "status", status, "reason", reason, "delayMs", delay.toMillis(),
                "traceId", trace);
    }

    @Override
    public String toString() {
        return "VeryfiKeysClient[" + policy + ", requestTimeout=" + requestTimeout + "]";
    }
}
