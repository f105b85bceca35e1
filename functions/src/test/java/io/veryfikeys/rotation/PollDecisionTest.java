package io.veryfikeys.rotation;

import io.veryfikeys.consumers.ConsumerReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of the polling decision, one row each. Consumers are written as name=keyId,health
 * (health: ok, sick, or down for unreachable); the target key is 2, the away key 1; the settings
 * want 2 healthy rounds in a row and give up after 60 s.
 */
class PollDecisionTest {
    static final RotationSettings SETTINGS = new RotationSettings(10, 2, 60, 0);
    static final long T0 = 1_767_225_600_000L;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                           | reverting | previous
                // (status,healthy,polls,startedAgoSec) | consumers                 | now+s | status
                //  | healthy | polls | lagging | unhealthy
                "first round, all on the new key: one of two     | false | -            | a=2,ok;b=2,ok             | 0  | WAIT    | 1 | 1 | -   | -",
                "second healthy round in a row: done             | false | WAIT,1,1,10  | a=2,ok;b=2,ok             | 0  | DONE    | 2 | 2 | -   | -",
                "no consumers at all: done once enough rounds    | false | WAIT,1,1,10  | -                         | 0  | DONE    | 2 | 2 | -   | -",
                "one lagging: the healthy count starts over      | false | WAIT,1,1,10  | a=2,ok;b=1,ok             | 0  | WAIT    | 0 | 2 | b   | -",
                "an unreachable one lags                         | false | -            | a=2,ok;b=-,down           | 0  | WAIT    | 0 | 1 | b   | -",
                "unhealthy on the new key: revert at once        | false | WAIT,1,3,30  | a=2,sick;b=1,ok           | 0  | REVERT  | 1 | 4 | b   | a",
                "unhealthy on the old key is only lagging        | false | -            | a=1,sick                  | 0  | WAIT    | 0 | 1 | a   | -",
                "lagging when the timeout has just passed        | false | WAIT,0,6,60  | a=1,ok                    | 0  | TIMEOUT | 0 | 7 | a   | -",
                "lagging one second before the timeout           | false | WAIT,0,6,59  | a=1,ok                    | 0  | WAIT    | 0 | 7 | a   | -",
                "all on the new key after the timeout: not late  | false | WAIT,1,6,90  | a=2,ok                    | 0  | DONE    | 2 | 7 | -   | -",
                "revert: off the new key, even unhealthy, counts | true  | WAIT,1,1,10  | a=1,sick;b=1,ok           | 0  | DONE    | 2 | 2 | -   | a",
                "revert: one still on the new key lags           | true  | -            | a=1,ok;b=2,ok             | 0  | WAIT    | 0 | 1 | b   | -",
                "revert: never reverts, times out instead        | true  | WAIT,0,6,61  | a=2,sick                  | 0  | TIMEOUT | 0 | 7 | a   | -"
            })
    void pollDecision(
            String why,
            boolean reverting,
            String previous,
            String consumers,
            long plusSeconds,
            PollStatus status,
            int healthy,
            int polls,
            String lagging,
            String unhealthy) {
        long now = T0 + plusSeconds * 1000;
        PollState before = null;
        if (!previous.equals("-")) {
            String[] p = previous.split(",");
            before =
                    new PollState(
                            PollStatus.valueOf(p[0]),
                            now - Long.parseLong(p[3]) * 1000,
                            Integer.parseInt(p[1]),
                            Integer.parseInt(p[2]),
                            Long.parseLong(p[3]),
                            List.of(),
                            List.of(),
                            List.of());
        }
        // In a revert the target is the old key (1); rolling out, the new key (2).
        long target = reverting ? 1 : 2;
        List<ConsumerReport> reports = reports(consumers);

        PollState next = PollDecision.next(before, reports, target, reverting, SETTINGS, now);

        assertThat(next.status()).as(why).isEqualTo(status);
        assertThat(next.consecutiveHealthy())
                .as(why + ": healthy rounds in a row")
                .isEqualTo(healthy);
        assertThat(next.polls()).as(why + ": polls").isEqualTo(polls);
        assertThat(next.lagging()).as(why + ": lagging").isEqualTo(names(lagging));
        assertThat(next.unhealthy()).as(why + ": unhealthy").isEqualTo(names(unhealthy));
        assertThat(next.startedAtMillis())
                .as(why + ": started")
                .isEqualTo(before == null ? now : before.startedAtMillis());
        assertThat(next.waitedSeconds())
                .as(why + ": waited")
                .isEqualTo(before == null ? 0 : Long.parseLong(previous.split(",")[3]));
    }

    @org.junit.jupiter.api.Test
    void theStateSaysHowEachConsumerOnTheTargetKeyWasVerified() {
        PollState next =
                PollDecision.next(
                        null,
                        List.of(
                                new ConsumerReport("api", 2L, true, null),
                                new ConsumerReport("worker", 2L, true, null, "check-in at T"),
                                new ConsumerReport(
                                        "partner", null, false, "not confirmed yet", null),
                                new ConsumerReport("batch", 2L, false, null, "check-in at T")),
                        2,
                        true,
                        SETTINGS,
                        T0);
        assertThat(next.verified())
                .containsExactly("api: health endpoint", "worker: check-in at T");
        assertThat(next.lagging()).containsExactly("partner");
        assertThat(next.unhealthy()).containsExactly("batch");
    }

    /**
     * Reports as written in the rows: the key id a consumer says it uses, its health, reachable or
     * not.
     */
    private static List<ConsumerReport> reports(String text) {
        List<ConsumerReport> reports = new ArrayList<>();
        if (text.equals("-")) return reports;
        for (String c : text.split(";")) {
            String[] nameRest = c.split("=");
            String[] keyHealth = nameRest[1].split(",");
            Long key = keyHealth[0].equals("-") ? null : Long.parseLong(keyHealth[0]);
            String health = keyHealth[1];
            reports.add(
                    new ConsumerReport(
                            nameRest[0],
                            key,
                            health.equals("ok"),
                            health.equals("down") ? "connection refused" : null));
        }
        return reports;
    }

    private static List<String> names(String text) {
        return text.equals("-") ? List.of() : List.of(text.split(";"));
    }
}
