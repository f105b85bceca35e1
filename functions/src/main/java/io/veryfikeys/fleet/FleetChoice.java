package io.veryfikeys.fleet;

/**
 * What a fleet run does with one account, and why: the line the dry run prints and the fleet report
 * counts. {@code detail} names ids, tags and ages, never a key value.
 */
public record FleetChoice(String account, Action action, Reason reason, String detail) {
    public enum Action {
        ROTATE,
        SKIP,
        /** Not started: a configuration problem a person must fix (the report says which). */
        BLOCKED
    }

    /** Each reason belongs to one action, so the two cannot disagree. */
    public enum Reason {
        /** No interval tag: every scheduled run rotates the account. */
        NO_INTERVAL(Action.ROTATE),
        /** The current key is as old as the interval (less a day's tolerance) or older. */
        DUE(Action.ROTATE),
        /** An interval tag, but no creation date for AWSCURRENT's version: rotating is safe. */
        KEY_AGE_UNKNOWN(Action.ROTATE),
        PAUSED(Action.SKIP),
        NOT_DUE(Action.SKIP),
        OUTSIDE_WINDOW(Action.SKIP),
        BAD_POLICY_TAG(Action.SKIP),
        /** A copy of another secret's account: it rotates with the secret that lists it. */
        LINKED_COPY(Action.SKIP),
        /** Several secrets hold this account and none lists the others in linkedSecrets. */
        SAME_ACCOUNT_NOT_LINKED(Action.BLOCKED);

        public final Action action;

        Reason(Action action) {
            this.action = action;
        }
    }

    public static FleetChoice of(String account, Reason reason, String detail) {
        return new FleetChoice(account, reason.action, reason, detail);
    }

    public boolean rotates() {
        return action == Action.ROTATE;
    }
}
