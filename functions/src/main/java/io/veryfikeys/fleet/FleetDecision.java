package io.veryfikeys.fleet;

import io.veryfikeys.fleet.FleetChoice.Reason;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a fleet run rotates one account now, from its policy, its current key's creation time and
 * the time of the run. Pure: the ListAccounts function gathers the tags and the key's age and
 * applies the answer; {@code FleetDecisionTest} has a row for every branch.
 */
public final class FleetDecision {
    /**
     * A run on the same schedule as the interval finds the key a few minutes short of it (the key
     * was created after the last run started); a day's tolerance keeps that run from skipping.
     */
    static final Duration TOLERANCE = Duration.ofDays(1);

    private FleetDecision() {}

    /**
     * @param keyCreated when AWSCURRENT's version was created; null if unknown or not read
     */
    public static FleetChoice decide(
            String account, AccountPolicy.Read read, Instant keyCreated, Instant now) {
        if (read.problem() != null) {
            return FleetChoice.of(account, Reason.BAD_POLICY_TAG, read.problem());
        }
        AccountPolicy policy = read.policy();
        if (policy.paused()) {
            return FleetChoice.of(account, Reason.PAUSED, "tagged paused");
        }
        if (policy.window() != null && !policy.window().contains(now)) {
            return FleetChoice.of(
                    account,
                    Reason.OUTSIDE_WINDOW,
                    "window " + policy.window() + ", run at " + now);
        }
        if (policy.intervalDays() == null) {
            return FleetChoice.of(account, Reason.NO_INTERVAL, "no interval: every run rotates");
        }
        if (keyCreated == null) {
            return FleetChoice.of(
                    account, Reason.KEY_AGE_UNKNOWN, "no creation date for AWSCURRENT's version");
        }
        Duration age = Duration.between(keyCreated, now);
        String ages = "key " + age.toDays() + " days old, interval " + policy.intervalDays();
        if (age.plus(TOLERANCE).compareTo(Duration.ofDays(policy.intervalDays())) >= 0) {
            return FleetChoice.of(account, Reason.DUE, ages);
        }
        return FleetChoice.of(account, Reason.NOT_DUE, ages);
    }
}
