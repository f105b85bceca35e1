package io.veryfikeys.fleet;

import java.util.Map;

/**
 * An account's rotation policy, from its secret's tags (each key is the template's RotationTagKey
 * followed by a suffix):
 *
 * <ul>
 *   <li>{@code :interval-days} — rotate only when the current key is at least this many days old (1
 *       to 3650);
 *   <li>{@code :paused} — {@code true} skips the account, {@code false} or no tag rotates it;
 *   <li>{@code :window} — rotate only inside this {@link MaintenanceWindow} (UTC).
 * </ul>
 *
 * A tag this cannot read skips the account with the reason, and the rest of the fleet goes on.
 */
public record AccountPolicy(Integer intervalDays, boolean paused, MaintenanceWindow window) {
    public static final String INTERVAL_DAYS = ":interval-days";
    public static final String PAUSED = ":paused";
    public static final String WINDOW = ":window";

    /** The most days a days tag may say (ten years). */
    public static final int MAX_DAYS = 3650;

    /** The policy, or the problem with the tags ({@code problem} set, {@code policy} null). */
    public record Read(AccountPolicy policy, String problem) {}

    public static Read fromTags(Map<String, String> tags, String tagKey) {
        try {
            return new Read(
                    new AccountPolicy(
                            interval(tags.get(tagKey + INTERVAL_DAYS), tagKey),
                            paused(tags.get(tagKey + PAUSED), tagKey),
                            window(tags.get(tagKey + WINDOW), tagKey)),
                    null);
        } catch (IllegalArgumentException e) {
            return new Read(null, e.getMessage());
        }
    }

    /** Whether deciding needs the current key's age (a paused account needs nothing). */
    public boolean needsKeyAge() {
        return intervalDays != null && !paused;
    }

    private static Integer interval(String value, String tagKey) {
        return value == null ? null : days(value, tagKey + INTERVAL_DAYS);
    }

    /**
     * A tag's whole number of days, 1 to {@value #MAX_DAYS}; else what the tag {@code tagName}
     * wants, as the exception's message.
     */
    static int days(String value, String tagName) {
        try {
            int days = Integer.parseInt(value.trim());
            if (days >= 1 && days <= MAX_DAYS) {
                return days;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException(
                tagName
                        + " must be a whole number of days from 1 to "
                        + MAX_DAYS
                        + ", got '"
                        + value
                        + "'");
    }

    private static MaintenanceWindow window(String value, String tagKey) {
        if (value == null) {
            return null;
        }
        try {
            return MaintenanceWindow.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tagKey + WINDOW + ": " + e.getMessage(), e);
        }
    }

    private static boolean paused(String value, String tagKey) {
        if (value == null || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(
                tagKey + PAUSED + " must be true or false, got '" + value + "'");
    }
}
