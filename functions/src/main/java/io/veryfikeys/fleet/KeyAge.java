package io.veryfikeys.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One account's key age against its maximum, as a fleet run reports it (the {@code KeyAge} metric
 * and {@code KeysOverMaxAge}): the tag {@code <tag key>:max-key-age-days} when the secret has it,
 * else the stack's {@code MaxKeyAgeDays}. An age that cannot be shown, or a tag that cannot be
 * read, is not compliant. The CLI's {@code compliance} judges by the same rules (its own
 * KeyAgeCompliance: the CLI does not ship this module).
 *
 * @param ageSeconds null when the current version has no creation date
 * @param maxDays null when the tag cannot be read
 */
public record KeyAge(
        String account, Long ageSeconds, Integer maxDays, boolean compliant, String problem) {
    public static final String MAX_AGE_TAG = ":max-key-age-days";

    public static KeyAge judge(
            String account,
            Instant created,
            Map<String, String> tags,
            String tagKey,
            int defaultMaxDays,
            Instant now) {
        Long age =
                created == null ? null : Math.max(0, Duration.between(created, now).getSeconds());
        String tagged = tags.get(tagKey + MAX_AGE_TAG);
        int maxDays = defaultMaxDays;
        if (tagged != null) {
            try {
                maxDays = AccountPolicy.days(tagged, tagKey + MAX_AGE_TAG);
            } catch (IllegalArgumentException e) {
                return new KeyAge(account, age, null, false, e.getMessage());
            }
        }
        if (age == null) {
            return new KeyAge(
                    account, null, maxDays, false, "the current version has no creation date");
        }
        boolean over = age > Duration.ofDays(maxDays).getSeconds();
        return new KeyAge(
                account,
                age,
                maxDays,
                !over,
                over ? "key " + age / 86400 + " days old, maximum " + maxDays : null);
    }
}
