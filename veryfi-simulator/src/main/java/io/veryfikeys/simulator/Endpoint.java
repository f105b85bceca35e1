package io.veryfikeys.simulator;

/** The endpoints a {@link Fault} can target. {@link #ANY} matches the four key endpoints. */
public enum Endpoint {
    /** {@code GET /api/v8/partner/client-keys} */
    LIST,
    /** {@code POST /api/v8/partner/client-keys} */
    CREATE,
    /** {@code DELETE /api/v8/partner/client-keys/{id}} */
    DELETE,
    /** {@code POST /api/v8/partner/client-keys/reset} */
    RESET,
    /**
     * {@code GET /api/v8/partner/documents}: the everyday low-risk call consumers make with their
     * key (answered with an empty page). Kept apart from the key endpoints so that tests can count
     * the rotation's own Veryfi calls.
     */
    DOCUMENTS,
    /**
     * Matches the four key endpoints, not {@link #DOCUMENTS}: consumers' traffic must not eat a
     * rotation's faults.
     */
    ANY;

    boolean matches(Endpoint actual) {
        return this == ANY ? actual != DOCUMENTS : this == actual;
    }
}
