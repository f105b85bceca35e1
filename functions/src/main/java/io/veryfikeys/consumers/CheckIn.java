package io.veryfikeys.consumers;

import java.time.Instant;

/**
 * One record of the check-in table: a consumer's own check-in ({@code kind} {@code check-in},
 * written with the consumer's credentials) or an operator's confirmation ({@code manual}, {@code
 * by} the caller's ARN). Ids only, never a key.
 *
 * @param id {@code <secret name>#<consumer name>} ({@link Consumer#checkInId})
 * @param healthy whether the consumer's last Veryfi calls with that key succeeded
 */
public record CheckIn(String id, String kind, long keyId, boolean healthy, Instant at, String by) {
    public static final String CHECK_IN = "check-in";
    public static final String MANUAL = "manual";
}
