package io.veryfikeys.simulator;

/** What an injected {@link Fault} does to a matching request. */
public enum FaultKind {
    /** 429 with a {@code Retry-After} header, before auth; state unchanged. */
    RATE_LIMIT,
    /** A 499/5xx JSON error, before auth; state unchanged. */
    SERVER_ERROR,
    /** Sleep, then handle the request normally. */
    LATENCY,
    /** Close the connection without any response, before auth; state unchanged. */
    DROP,
    /** Process the request (state changes), then close the connection without a response. */
    DROP_AFTER_COMMIT,
    /** 403 (not allowed) with a JSON error, before processing; state unchanged. */
    FORBIDDEN,
    /**
     * Process the request (state changes), then answer its 2xx status with a body that is not JSON.
     */
    GARBLED_AFTER_COMMIT;

    /** Faults that act after the request was processed. */
    boolean afterCommit() {
        return this == DROP_AFTER_COMMIT || this == GARBLED_AFTER_COMMIT;
    }
}
