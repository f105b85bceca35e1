package io.veryfikeys.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Whether an account's current key (AWSCURRENT's version) is younger than the account's maximum key
 * age: the tag {@code <tag key>:max-key-age-days} when the secret has it, else the stack's {@code
 * MaxKeyAgeDays}. Pure, so that its table covers each verdict. A key whose age cannot be shown is
 * not compliant: evidence for an audit cannot be "unknown".
 */
final class KeyAgeCompliance {
    static final String TAG_SUFFIX = ":max-key-age-days";
    static final int MAX_DAYS = 3650;

    enum Status {
        OK,
        OVER,
        UNKNOWN,
        BAD_POLICY
    }

    record Verdict(
            String account,
            Long keyId,
            Instant created,
            Long ageSeconds,
            Integer maxDays,
            String policy,
            Status status,
            String reason) {
        boolean compliant() {
            return status == Status.OK;
        }
    }

    private KeyAgeCompliance() {}

    static Verdict judge(
            String account,
            Long keyId,
            Instant created,
            Map<String, String> tags,
            String tagKey,
            int defaultMaxDays,
            Instant asOf) {
        String tagged = tags.get(tagKey + TAG_SUFFIX);
        int maxDays = defaultMaxDays;
        String policy = "stack default";
        if (tagged != null) {
            Integer parsed = days(tagged);
            if (parsed == null) {
                return new Verdict(
                        account,
                        keyId,
                        created,
                        ageSeconds(created, asOf),
                        null,
                        "tag " + tagKey + TAG_SUFFIX,
                        Status.BAD_POLICY,
                        tagKey
                                + TAG_SUFFIX
                                + " must be a whole number of days from 1 to "
                                + MAX_DAYS
                                + ", got '"
                                + tagged
                                + "'");
            }
            maxDays = parsed;
            policy = "tag " + tagKey + TAG_SUFFIX;
        }
        if (created == null) {
            return new Verdict(
                    account,
                    keyId,
                    null,
                    null,
                    maxDays,
                    policy,
                    Status.UNKNOWN,
                    "no AWSCURRENT version with a creation date: its age cannot be shown");
        }
        long age = ageSeconds(created, asOf);
        boolean over = age > Duration.ofDays(maxDays).getSeconds();
        return new Verdict(
                account,
                keyId,
                created,
                age,
                maxDays,
                policy,
                over ? Status.OVER : Status.OK,
                over
                        ? "key is "
                                + age / 86400
                                + " days old, older than the "
                                + maxDays
                                + " allowed: rotate it (veryfi-keys rotate "
                                + account
                                + ")"
                        : null);
    }

    private static Long ageSeconds(Instant created, Instant asOf) {
        return created == null ? null : Math.max(0, Duration.between(created, asOf).getSeconds());
    }

    private static Integer days(String value) {
        try {
            int days = Integer.parseInt(value.trim());
            return days >= 1 && days <= MAX_DAYS ? days : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
