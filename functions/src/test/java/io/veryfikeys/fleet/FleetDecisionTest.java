package io.veryfikeys.fleet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of the fleet's per-account decision, one row each. Tags are written suffix=value;...
 * under the key {@code vkr}; the run is on Wednesday 2026-12-02 at 03:00 UTC; the key's age is in
 * hours ({@code -}: unknown).
 */
class FleetDecisionTest {
    static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                    | tags                                   |
                // key age h | action  | reason
                "no policy tags: every run rotates         | -                                      | 1         | ROTATE  | NO_INTERVAL",
                "interval passed                           | interval-days=30                       | 745       | ROTATE  | DUE",
                "a run on the interval's schedule, minutes early: due | interval-days=30        | 719       | ROTATE  | DUE",
                "more than a day short of the interval     | interval-days=30                       | 695       | SKIP    | NOT_DUE",
                "exactly a day short of the interval: due  | interval-days=30                       | 696       | ROTATE  | DUE",
                "the shortest interval, a day              | interval-days=1                        | 1         | ROTATE  | DUE",
                "the longest interval, ten years           | interval-days=3650                     | 1         | SKIP    | NOT_DUE",
                "interval but the key's age is unknown     | interval-days=30                       | -         | ROTATE  | KEY_AGE_UNKNOWN",
                "paused                                    | paused=true                            | 10000     | SKIP    | PAUSED",
                "paused, written in capitals               | paused=TRUE                            | 10000     | SKIP    | PAUSED",
                "not paused                                | paused=false                           | 1         | ROTATE  | NO_INTERVAL",
                "paused beats a bad interval? no: bad tag first | paused=true;interval-days=x       | 1         | SKIP    | BAD_POLICY_TAG",
                "inside the window                         | window=Wed 02:00-04:00                 | 1         | ROTATE  | NO_INTERVAL",
                "outside the window                        | window=Mon-Tue 02:00-04:00             | 1         | SKIP    | OUTSIDE_WINDOW",
                "window and interval: outside wins         | window=Thu 02:00-04:00;interval-days=1 | 100       | SKIP    | OUTSIDE_WINDOW",
                "window and interval, inside and due       | window=daily 02:00-04:00;interval-days=1 | 100     | ROTATE  | DUE",
                "a window past midnight, its morning part  | window=Tue 22:00-04:00                 | 1         | ROTATE  | NO_INTERVAL",
                "interval zero                             | interval-days=0                        | 1         | SKIP    | BAD_POLICY_TAG",
                "interval too long                         | interval-days=3651                     | 1         | SKIP    | BAD_POLICY_TAG",
                "interval not a number                     | interval-days=monthly                  | 1         | SKIP    | BAD_POLICY_TAG",
                "paused neither true nor false             | paused=yes                             | 1         | SKIP    | BAD_POLICY_TAG",
                "an unreadable window                      | window=weekends                        | 1         | SKIP    | BAD_POLICY_TAG"
            })
    void decide(String why, String tags, String ageHours, String action, String reason) {
        Map<String, String> tagMap = new LinkedHashMap<>();
        tagMap.put("vkr", "enabled");
        if (!tags.equals("-")) {
            for (String tag : tags.split(";")) {
                String[] kv = tag.split("=", 2);
                tagMap.put("vkr:" + kv[0], kv[1]);
            }
        }
        Instant created =
                ageHours.equals("-") ? null : NOW.minus(Duration.ofHours(Long.parseLong(ageHours)));

        FleetChoice choice =
                FleetDecision.decide(
                        "veryfi/a", AccountPolicy.fromTags(tagMap, "vkr"), created, NOW);

        assertThat(choice.reason()).as(why).hasToString(reason);
        assertThat(choice.action()).as(why).hasToString(action);
        assertThat(choice.account()).isEqualTo("veryfi/a");
        assertThat(choice.detail()).as(why + ": a reason is always given").isNotBlank();
        if (choice.reason() == FleetChoice.Reason.BAD_POLICY_TAG) {
            assertThat(choice.detail()).as(why + ": names the tag").startsWith("vkr:");
        }
    }

    @org.junit.jupiter.api.Test
    void theDetailNamesTheAgeAndTheInterval() {
        FleetChoice choice =
                FleetDecision.decide(
                        "veryfi/a",
                        AccountPolicy.fromTags(Map.of("vkr:interval-days", "30"), "vkr"),
                        NOW.minus(Duration.ofDays(12)),
                        NOW);
        assertThat(choice.detail()).isEqualTo("key 12 days old, interval 30");
        assertThat(AccountPolicy.fromTags(Map.of("vkr:interval-days", "30"), "vkr").policy())
                .returns(true, AccountPolicy::needsKeyAge);
        assertThat(AccountPolicy.fromTags(Map.of("vkr:paused", "true"), "vkr").policy())
                .returns(false, AccountPolicy::needsKeyAge);
        assertThat(AccountPolicy.fromTags(Map.of(), "vkr").policy())
                .returns(false, AccountPolicy::needsKeyAge);
        // A paused account's key age is never read: it would be one more call per account.
        assertThat(
                        AccountPolicy.fromTags(
                                        Map.of("vkr:paused", "true", "vkr:interval-days", "30"),
                                        "vkr")
                                .policy())
                .returns(false, AccountPolicy::needsKeyAge);
    }
}
