package io.veryfikeys.simulator;

import java.time.Instant;

/**
 * One request to the key-management API, as the simulator saw it. Never holds a key value or a
 * client secret.
 *
 * @param at arrival time
 * @param method HTTP method
 * @param path request path without the query string
 * @param clientId the {@code CLIENT-ID} header as sent (null if absent)
 * @param keyId id of the live key that authenticated the call; null if authentication failed or was
 *     never attempted (fault, unknown route)
 * @param status HTTP status sent; 0 if the connection was dropped
 * @param fault null, or the {@link FaultKind} name applied; when a LATENCY fault was followed by a
 *     DROP_AFTER_COMMIT on the same call, both names joined by '+'
 */
public record RecordedRequest(
        Instant at,
        String method,
        String path,
        String clientId,
        Long keyId,
        int status,
        String fault) {}
