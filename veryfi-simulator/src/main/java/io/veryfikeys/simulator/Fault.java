package io.veryfikeys.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault to inject into the simulated key-management API.
 *
 * <p>A {@code Fault} is a small mutable builder: {@link #times}, {@link #always}, {@link
 * #withProbability}, {@link #forAccount} and {@link #withSeed} change this instance and return it,
 * so both {@code sim.inject(Fault.drop(CREATE).times(2))} and calling them on a variable work.
 * {@link VeryfiSimulator#inject} takes a snapshot, so changing (or re-injecting) a {@code Fault}
 * afterwards never affects faults already injected.
 *
 * <p>Counting: a new fault applies to the next matching call only ({@code times(1)}). {@link
 * #times(int)} sets a count (and clears any probability), {@link #always()} makes it unlimited (and
 * clears any probability), {@link #withProbability(double)} makes it apply to each matching call
 * with probability p, unlimited count. Calling {@code times(n)} after {@code withProbability(p)} is
 * not supported (the last call wins). Random draws use a {@link java.util.Random} seeded with
 * {@link #withSeed(long) the seed} (default {@value #DEFAULT_SEED}) created when the fault is
 * injected, so runs repeat.
 */
public final class Fault {

    public static final long DEFAULT_SEED = 42L;

    private final Endpoint endpoint;
    private final FaultKind kind;
    private final int status;
    private final Duration duration;
    private Integer count = 1; // null = unlimited
    private Double probability; // null = always fire
    private String clientId; // null = any account
    private long seed = DEFAULT_SEED;

    private Fault(Endpoint endpoint, FaultKind kind, int status, Duration duration) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.kind = kind;
        this.status = status;
        this.duration = duration;
    }

    /**
     * 429 with {@code Retry-After} in whole seconds (rounded up), body code
     * YOU_HAVE_BEEN_RATE_LIMITED.
     */
    public static Fault rateLimit(Endpoint e, Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
        return new Fault(e, FaultKind.RATE_LIMIT, 429, retryAfter);
    }

    /** A JSON error with the given status: 499 or 500..599 (typically 499/500/503/504). */
    public static Fault serverError(Endpoint e, int status) {
        if (status != 499 && (status < 500 || status > 599)) {
            throw new IllegalArgumentException(
                    "server error status must be 499 or 500..599, got " + status);
        }
        return new Fault(e, FaultKind.SERVER_ERROR, status, null);
    }

    /** Sleep for {@code delay}, then handle the call normally. */
    public static Fault latency(Endpoint e, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        return new Fault(e, FaultKind.LATENCY, 0, delay);
    }

    /** Close the connection without any response; state unchanged. */
    public static Fault drop(Endpoint e) {
        return new Fault(e, FaultKind.DROP, 0, null);
    }

    /** Perform the operation (state changes), then close the connection without a response. */
    public static Fault dropAfterCommit(Endpoint e) {
        return new Fault(e, FaultKind.DROP_AFTER_COMMIT, 0, null);
    }

    /**
     * 403 with a JSON error: the credentials are known but the call is not allowed; state
     * unchanged.
     */
    public static Fault forbidden(Endpoint e) {
        return new Fault(e, FaultKind.FORBIDDEN, 403, null);
    }

    /**
     * Perform the operation (state changes), then answer its 2xx status with a body that is not
     * JSON.
     */
    public static Fault garbledAfterCommit(Endpoint e) {
        return new Fault(e, FaultKind.GARBLED_AFTER_COMMIT, 0, null);
    }

    /** Applies to the next {@code n} matching calls. */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + n);
        }
        this.count = n;
        this.probability = null;
        return this;
    }

    /** Applies to every matching call until cleared. */
    public Fault always() {
        this.count = null;
        this.probability = null;
        return this;
    }

    /** Applies to each matching call with probability {@code p} (0..1), unlimited count. */
    public Fault withProbability(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be within [0, 1], got " + p);
        }
        this.count = null;
        this.probability = p;
        return this;
    }

    /**
     * Only calls whose {@code CLIENT-ID} header equals {@code clientId} match; null = any account.
     */
    public Fault forAccount(String clientId) {
        this.clientId = clientId;
        return this;
    }

    /** Seed of the random draws of {@link #withProbability(double)}. */
    public Fault withSeed(long seed) {
        this.seed = seed;
        return this;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public FaultKind kind() {
        return kind;
    }

    /** HTTP status for RATE_LIMIT (429) and SERVER_ERROR; 0 otherwise. */
    public int status() {
        return status;
    }

    /** Retry-After for RATE_LIMIT, delay for LATENCY; null otherwise. */
    public Duration duration() {
        return duration;
    }

    /** Remaining count as configured; null = unlimited. */
    public Integer count() {
        return count;
    }

    /** null = applies to every matching call (within the count). */
    public Double probability() {
        return probability;
    }

    /** null = any account. */
    public String clientId() {
        return clientId;
    }

    public long seed() {
        return seed;
    }

    /** Whole seconds, rounded up. */
    long retryAfterSeconds() {
        long s = duration.getSeconds();
        return duration.getNano() > 0 ? s + 1 : s;
    }

    Fault copy() {
        Fault f = new Fault(endpoint, kind, status, duration);
        f.count = count;
        f.probability = probability;
        f.clientId = clientId;
        f.seed = seed;
        return f;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Fault[").append(kind).append(" on ").append(endpoint);
        if (kind == FaultKind.SERVER_ERROR) {
            sb.append(", status=").append(status);
        }
        if (kind == FaultKind.RATE_LIMIT) {
            sb.append(", retryAfter=").append(duration);
        }
        if (kind == FaultKind.LATENCY) {
            sb.append(", delay=").append(duration);
        }
        sb.append(", count=").append(count == null ? "unlimited" : count);
        if (probability != null) {
            sb.append(", probability=").append(probability).append(", seed=").append(seed);
        }
        if (clientId != null) {
            sb.append(", account=").append(clientId);
        }
        return sb.append(']').toString();
    }
}
