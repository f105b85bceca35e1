package io.veryfikeys.consumers;

import java.time.Duration;
import java.time.Instant;

/**
 * What a check-in or confirmation record says about a consumer, as the poller's answer. Pure, so
 * every branch has a row in CheckInDecisionTest. A missing, stale, future-dated or wrong-kind
 * record is a problem (the consumer counts as not moved), never a key id.
 */
public final class CheckInDecision {
    /** How far ahead of the function's clock a record may be dated (clocks differ a little). */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private CheckInDecision() {}

    public static ConsumerReport report(Consumer consumer, CheckIn record, Instant now) {
        String expected =
                consumer.contract() == Contract.MANUAL ? CheckIn.MANUAL : CheckIn.CHECK_IN;
        if (record == null) {
            return problem(
                    consumer,
                    consumer.contract() == Contract.MANUAL
                            ? "not confirmed yet (veryfi-keys confirm, or ConfirmFunction)"
                            : "no check-in yet");
        }
        if (!expected.equals(record.kind())) {
            return problem(
                    consumer,
                    "its record is a "
                            + record.kind()
                            + ", not a "
                            + expected
                            + " (the registry says "
                            + consumer.contract().word()
                            + ")");
        }
        if (record.at().isAfter(now.plus(CLOCK_SKEW))) {
            return problem(consumer, "its record is dated in the future (" + record.at() + ")");
        }
        if (consumer.contract() == Contract.CHECK_IN) {
            long age = Duration.between(record.at(), now).toSeconds();
            if (age > consumer.maxAgeSeconds()) {
                return problem(
                        consumer,
                        "check-in is stale: "
                                + age
                                + " s old, maxAgeSeconds "
                                + consumer.maxAgeSeconds());
            }
            return new ConsumerReport(
                    consumer.name(),
                    record.keyId(),
                    record.healthy(),
                    null,
                    "check-in at " + record.at());
        }
        // An operator confirms that the system works with that key: healthy by their word.
        return new ConsumerReport(
                consumer.name(),
                record.keyId(),
                true,
                null,
                "confirmed by " + record.by() + " at " + record.at());
    }

    private static ConsumerReport problem(Consumer consumer, String why) {
        return new ConsumerReport(consumer.name(), null, false, why, null);
    }
}
