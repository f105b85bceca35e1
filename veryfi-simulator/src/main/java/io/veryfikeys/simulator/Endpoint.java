package io.veryfikeys.simulator;

/** The key-management endpoints a {@link Fault} can target. {@link #ANY} matches all four. */
public enum Endpoint {
    /** {@code GET /api/v8/partner/client-keys} */
    LIST,
    /** {@code POST /api/v8/partner/client-keys} */
    CREATE,
    /** {@code DELETE /api/v8/partner/client-keys/{id}} */
    DELETE,
    /** {@code POST /api/v8/partner/client-keys/reset} */
    RESET,
    /** Matches every one of the above. */
    ANY;

    boolean matches(Endpoint actual) {
        return this == ANY || this == actual;
    }
}
