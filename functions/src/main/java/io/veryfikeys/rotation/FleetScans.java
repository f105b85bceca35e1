package io.veryfikeys.rotation;

import io.veryfikeys.secrets.SameAccountSecrets;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Plan's same-account scan, made once per fleet run in each warm Plan sandbox instead of once per
 * account. The scan reads every secret under the prefix, so a fleet of N accounts made N scans of N
 * secrets (N²: a million reads at 1,000 accounts, 50 BatchGetSecretValue calls in each Plan); now
 * each sandbox makes one per run, and the fleet's discovery (ListAccounts) has already blocked
 * every account whose secrets share a Veryfi account, from its own scan at the start of the run.
 *
 * <p>Only a rotation named for a fleet run ({@link ExecutionNames#fleetRunOf}) reuses a scan, and
 * only one made by this sandbox for the same run and prefix less than {@link #MAX_AGE} ago; any
 * other rotation (the CLI's, a console start) scans afresh, as before. Why a reused scan is safe:
 * the check is a point-in-time check either way (a secret copied by hand after Plan, during the
 * grace period, is not seen by that rotation either), the holders a scan records (client id,
 * username, linkedSecrets) do not change when keys rotate, and someone who forges a fleet name gets
 * at most a scan that this code made {@link #MAX_AGE} ago.
 */
final class FleetScans {
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    /** A scan kept for reuse: the run and prefix it was made for, and when. */
    record Kept(String prefix, String runId, Instant at, SameAccountSecrets.Scan scan) {}

    private Kept kept;

    synchronized SameAccountSecrets.Scan scan(
            String prefix,
            String executionId,
            Instant now,
            Supplier<SameAccountSecrets.Scan> fresh) {
        Optional<String> run = ExecutionNames.fleetRunOf(executionId);
        if (reusable(kept, prefix, run, now)) {
            return kept.scan();
        }
        SameAccountSecrets.Scan scan = fresh.get();
        kept = run.map(r -> new Kept(prefix, r, now, scan)).orElse(kept);
        return scan;
    }

    /** Whether {@code kept} may answer a Plan of fleet run {@code run} (empty: not a fleet run). */
    static boolean reusable(Kept kept, String prefix, Optional<String> run, Instant now) {
        return kept != null
                && run.isPresent()
                && kept.runId().equals(run.get())
                && kept.prefix().equals(prefix)
                && !now.isBefore(kept.at())
                && now.isBefore(kept.at().plus(MAX_AGE));
    }
}
