package io.veryfikeys.veryfi;

import io.veryfikeys.lambda.InvocationDeadline;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Veryfi's partner key-management API (Settings → client-keys). Every call authenticates with
 * {@code authKey}, one of the account's live keys, and is signed when the account has a client
 * secret. Transient failures (429, 499, 5xx, I/O) are retried here with jittered exponential
 * backoff and a bound; everything else surfaces at once as a typed {@link VeryfiException}.
 *
 * <p><b>Non-idempotent calls.</b> {@link #createKey} and {@link #resetKeys} change state at Veryfi.
 * If such a request may have reached Veryfi and the answer was lost (a timeout, a connection reset
 * or closed after the request was written), retrying it could create a second key (and run into the
 * two-key limit, or leave an orphan nobody knows the value of), or reset a second time and thereby
 * invalidate the keys the first reset returned, whose values we never saw. So those two are retried
 * only when Veryfi certainly did not perform the operation:
 *
 * <ul>
 *   <li>the connection was never established (connection refused, connect timeout, unknown host):
 *       the request never left this machine;
 *   <li>Veryfi answered 429, 499 or 5xx: it looked at the request and did not perform it.
 * </ul>
 *
 * Any other I/O failure surfaces as {@link VeryfiUnavailableException} after that single attempt,
 * and the caller reconciles (lists the keys and compares them with what it has stored) instead of
 * guessing. {@link #listKeyIds} and {@link #deleteKey} are safe to repeat (a repeated delete
 * answers 404, which callers read as "already gone") and are retried on any transient failure.
 *
 * <p>Key values, the client secret and the {@code AUTHORIZATION} header never appear in a log line,
 * an exception message or a {@code toString}; nor does a response body of create/reset.
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

    /** One HTTP client per JVM (per Lambda execution environment), built on first use. */
    private static final class Shared {
        static final Transport HTTP = new UrlConnectionTransport(DEFAULT_CONNECT_TIMEOUT);
        static final VeryfiKeysClient DEFAULT =
                new VeryfiKeysClient(
                        HTTP,
                        RetryPolicy.DEFAULT,
                        requestTimeoutFromEnvironment(),
                        Sleeper.REAL,
                        () -> ThreadLocalRandom.current().nextDouble(),
                        Clock.systemUTC());

        /**
         * {@code VERYFI_REQUEST_TIMEOUT_MILLIS} (optional, tests shorten it), else {@link
         * #DEFAULT_REQUEST_TIMEOUT}.
         */
        private static Duration requestTimeoutFromEnvironment() {
            String millis = io.veryfikeys.support.Env.get("VERYFI_REQUEST_TIMEOUT_MILLIS", null);
            return millis == null
                    ? DEFAULT_REQUEST_TIMEOUT
                    : Duration.ofMillis(Long.parseLong(millis.trim()));
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

    /**
     * Custom retries and timeouts (tests shorten them). A connect timeout other than the default
     * needs an HTTP client of its own, so build such an instance once and keep it.
     *
     * @param requestTimeout the wait for one attempt's complete response
     */
    public VeryfiKeysClient(RetryPolicy policy, Duration connectTimeout, Duration requestTimeout) {
        this(
                connectTimeout.equals(DEFAULT_CONNECT_TIMEOUT)
                        ? Shared.HTTP
                        : new UrlConnectionTransport(connectTimeout),
                policy,
                requestTimeout,
                Sleeper.REAL,
                () -> ThreadLocalRandom.current().nextDouble(),
                Clock.systemUTC());
    }

    /** For unit tests: a fake transport, sleeper, jitter source and clock. */
    VeryfiKeysClient(
            Transport transport,
            RetryPolicy policy,
            Duration requestTimeout,
            Sleeper sleeper,
            DoubleSupplier random,
            Clock clock) {
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
        return execute(Operation.LIST, account, authKey, null, VeryfiAnswers::parseKeyIds);
    }

    @Override
    public ApiKey createKey(VeryfiAccount account, SecretValue authKey) {
        return execute(Operation.CREATE, account, authKey, null, VeryfiAnswers::parseCreatedKey);
    }

    @Override
    public void deleteKey(VeryfiAccount account, SecretValue authKey, long keyId) {
        execute(Operation.DELETE, account, authKey, keyId, (body, trace) -> null);
    }

    @Override
    public List<ApiKey> resetKeys(VeryfiAccount account, SecretValue authKey) {
        return execute(Operation.RESET, account, authKey, null, VeryfiAnswers::parseResetKeys);
    }

    // ---------------------------------------------------------------------------------------
    // The retry loop

    @FunctionalInterface
    private interface Reader<T> {
        T read(String body, String trace);
    }

    private <T> T execute(
            Operation op,
            VeryfiAccount account,
            SecretValue authKey,
            Long keyId,
            Reader<T> reader) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(authKey, "authKey");
        URI uri = uri(account.baseUrl(), op, keyId);
        VeryfiCall call = new VeryfiCall(op, account, authKey, keyId, clock);
        Instant start = call.start();
        // The call's own budget, cut short by the invocation's (see InvocationDeadline): a retry
        // that would outlast the function's timeout is not started, the state machine retries the
        // step.
        Duration invocationLeft = InvocationDeadline.remaining();
        Instant deadline =
                invocationLeft.compareTo(policy.maxTotalTime()) < 0
                        ? start.plus(invocationLeft)
                        : start.plus(policy.maxTotalTime());
        if (invocationLeft.compareTo(MIN_ATTEMPT_TIME) < 0) {
            throw call.failWithoutAnswer(
                    0,
                    "deadline",
                    new VeryfiUnavailableException(
                            call.unanswered(0)
                                    + ": not sent, no time left in this invocation (the step is retried)",
                            0,
                            null));
        }
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                RequestBudget.acquire(clock, sleeper::sleep, op.logName());
            } catch (InterruptedException e) {
                throw interrupted(
                        call, attempt, "interrupted", "interrupted waiting for the budget");
            }
            Duration remaining = Duration.between(clock.instant(), deadline);
            Duration timeout = remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout;
            if (timeout.toMillis() < 1) {
                timeout = Duration.ofMillis(1);
            }
            Transport.Reply reply;
            try {
                reply = transport.send(request(op, uri, account, authKey, timeout));
            } catch (InterruptedException e) {
                throw interrupted(call, attempt, "io", "interrupted");
            } catch (IOException e) {
                boolean notSent = surelyNotSent(e);
                String what = call.unanswered(attempt) + ": " + ioDescription(e);
                if (!op.idempotent && !notSent) {
                    // See the class comment: the request may have been performed; a retry could
                    // create a second key / reset twice. The caller reconciles.
                    String lost =
                            "; the request may have reached Veryfi, so it is not retried (list the"
                                    + " keys to find out what happened)";
                    throw call.failWithoutAnswer(
                            attempt, "io", new VeryfiAnswerLostException(what + lost, e));
                }
                Duration delay = retryDelay(attempt, Duration.ZERO, deadline);
                if (delay == null) {
                    String message = what + giveUpReason(attempt);
                    throw call.failWithoutAnswer(
                            attempt, "io", new VeryfiUnavailableException(message, 0, e));
                }
                call.retrying(attempt, 0, null, ioDescription(e), delay);
                sleep(call, attempt, delay);
                continue;
            }

            int status = reply.status();
            String trace = reply.traceId();
            if (status >= 200 && status < 300) {
                T result;
                try {
                    result = reader.read(reply.body(), trace);
                } catch (MalformedResponseException e) {
                    throw call.fail(
                            attempt,
                            trace,
                            status,
                            "malformed",
                            new MalformedResponseException(
                                    call.describe(status, null, trace, attempt)
                                            + ": "
                                            + e.getMessage(),
                                    status,
                                    null));
                }
                call.succeeded(attempt, trace, status, result);
                return result;
            }

            ErrorBody error = ErrorBody.parse(reply.body());
            String code = error.code().orElse(null);
            String message =
                    call.describe(status, code, trace, attempt)
                            + error.message().map(m -> ": " + call.scrub(m)).orElse("");
            if (status == 429) {
                Optional<Duration> retryAfter =
                        RetryAfter.parse(reply.retryAfter(), clock.instant());
                Duration minimum = retryAfter.orElse(Duration.ZERO);
                Duration delay =
                        retryAfter.isPresent() && minimum.compareTo(policy.maxRetryAfter()) > 0
                                ? null
                                : retryDelay(attempt, minimum, deadline);
                if (delay == null) {
                    String waited =
                            retryAfter.map(d -> "; Retry-After " + d.toMillis() + " ms").orElse("");
                    VeryfiException limited =
                            new VeryfiRateLimitedException(
                                    message + waited + giveUpReason(attempt),
                                    retryAfter.orElse(null),
                                    null);
                    throw call.fail(attempt, trace, status, code, limited);
                }
                call.retrying(attempt, status, trace, code, delay);
                sleep(call, attempt, delay);
                continue;
            }
            if (status == 499 || (status >= 500 && status < 600)) {
                // Veryfi answered, so it did not perform the operation: safe to retry even
                // create/reset.
                Duration delay = retryDelay(attempt, Duration.ZERO, deadline);
                if (delay == null) {
                    VeryfiException unavailable =
                            new VeryfiUnavailableException(
                                    message + giveUpReason(attempt), status, null);
                    throw call.fail(attempt, trace, status, code, unavailable);
                }
                call.retrying(attempt, status, trace, code, delay);
                sleep(call, attempt, delay);
                continue;
            }
            throw call.fail(
                    attempt,
                    trace,
                    status,
                    code,
                    VeryfiAnswers.classify(op, status, error, message));
        }
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
        return attempts >= policy.maxAttempts()
                ? "; giving up after " + attempts + " attempt(s)"
                : "; giving up: the next attempt would not fit the time budget of "
                        + policy.maxTotalTime().toMillis()
                        + " ms";
    }

    /** Keeps the thread's interrupt and ends the call without an answer. */
    private static VeryfiException interrupted(
            VeryfiCall call, int attempt, String reason, String what) {
        Thread.currentThread().interrupt();
        return call.failWithoutAnswer(
                attempt,
                reason,
                new VeryfiUnavailableException(call.unanswered(attempt) + ": " + what, 0, null));
    }

    private void sleep(VeryfiCall call, int attempt, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            throw interrupted(call, attempt, "interrupted", "interrupted while waiting to retry");
        }
    }

    /**
     * True when the failure happened before a connection existed, so the request cannot have
     * reached Veryfi. {@link UrlConnectionTransport} reports every failure to connect (refused,
     * connect timeout, unknown host) as a {@link ConnectException}; a read timeout after the
     * request was written is a plain {@link java.net.SocketTimeoutException}: "sent, no answer in
     * time".
     */
    static boolean surelyNotSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
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
        String text =
                e.getClass().getSimpleName()
                        + (message == null || message.isBlank() ? "" : " (" + message + ")");
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
        return URI.create(
                switch (op) {
                    case LIST, CREATE -> path;
                    case DELETE -> path + "/" + Objects.requireNonNull(keyId, "keyId");
                    case RESET -> path + "/reset";
                });
    }

    private Transport.Request request(
            Operation op, URI uri, VeryfiAccount account, SecretValue authKey, Duration timeout) {
        String body = op.hasBody ? "{}" : null;
        long timestamp = clock.millis();
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("CLIENT-ID", account.clientId());
        headers.put("AUTHORIZATION", "apikey " + account.username() + ":" + authKey.reveal());
        headers.put("Accept", "application/json");
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Veryfi-Request-Timestamp", Long.toString(timestamp));
        account.clientSecret()
                .ifPresent(
                        secret ->
                                headers.put(
                                        "X-Veryfi-Request-Signature",
                                        RequestSigner.sign(
                                                account.signing(), secret, body, timestamp)));
        return new Transport.Request(op.method, uri, headers, body, timeout);
    }

    @Override
    public String toString() {
        return "VeryfiKeysClient[" + policy + ", requestTimeout=" + requestTimeout + "]";
    }
}
