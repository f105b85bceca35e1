package io.veryfikeys.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When each account of a fleet run starts, so that the run's calls to Veryfi stay within a request
 * budget however many rotations run at once.
 *
 * <p>A rotation calls Veryfi about four times: Plan lists the keys, CreateKey creates one,
 * VerifyNewKey lists them with the new key (all within seconds of the start), and DeleteOldKey
 * deletes the old one after the polls and the grace period, the same delay for every account of a
 * run. So calls follow starts: starting {@code budget / CALLS_PER_ROTATION} accounts a second keeps
 * the early calls and the later deletes, which follow the same spread, near the budget together;
 * one call of margin per rotation absorbs retries and uneven polls. The pacing is by start time
 * only, not a shared counter: a consumer that answers slowly moves a delete into another second,
 * and Veryfi's 429 with Retry-After (which the client honours) is the backstop.
 */
public final class FleetPacing {
    /** Four calls a rotation, plus one of margin. */
    public static final int CALLS_PER_ROTATION = 5;

    private FleetPacing() {}

    /** The start of each of {@code count} rotations, the first at {@code from}. */
    public static List<Instant> starts(int count, int requestsPerSecond, Instant from) {
        List<Instant> starts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long millis = (long) i * CALLS_PER_ROTATION * 1000 / requestsPerSecond;
            starts.add(from.plus(Duration.ofMillis(millis)));
        }
        return starts;
    }

    /** Seconds between the first start and the last. */
    public static long spreadSeconds(int count, int requestsPerSecond) {
        return count == 0 ? 0 : (long) (count - 1) * CALLS_PER_ROTATION / requestsPerSecond;
    }
}
