package io.veryfikeys.cli;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an EventBridge schedule expression fires next, in UTC: {@code rate(N unit)} and {@code
 * cron(minutes hours day-of-month month day-of-week year)} with {@code * ? , - /}, month and day
 * names (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html;
 * day-of-week 1-7 is SUN-SAT). {@code L}, {@code W} and {@code #} are not evaluated: empty, and the
 * doctor says so rather than guess.
 */
final class ScheduleExpressions {
    private static final Pattern RATE =
            Pattern.compile("rate\\((\\d+)\\s+(minutes?|hours?|days?)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    private static final Map<String, Integer> MONTHS =
            Map.ofEntries(
                    Map.entry("JAN", 1),
                    Map.entry("FEB", 2),
                    Map.entry("MAR", 3),
                    Map.entry("APR", 4),
                    Map.entry("MAY", 5),
                    Map.entry("JUN", 6),
                    Map.entry("JUL", 7),
                    Map.entry("AUG", 8),
                    Map.entry("SEP", 9),
                    Map.entry("OCT", 10),
                    Map.entry("NOV", 11),
                    Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS =
            Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5, "FRI", 6, "SAT", 7);

    private ScheduleExpressions() {}

    /**
     * The first firing strictly after {@code after}; empty when the expression is not understood
     * here.
     */
    static Optional<Instant> next(String expression, Instant after) {
        String e = expression == null ? "" : expression.trim();
        Matcher rate = RATE.matcher(e);
        if (rate.matches()) {
            // A rate schedule counts from when the rule was created, which the API does not say:
            // one period from now is the latest the next run can be.
            return Optional.of(after.plus(period(Long.parseLong(rate.group(1)), rate.group(2))));
        }
        Matcher cron = CRON.matcher(e);
        if (!cron.matches()) return Optional.empty();
        String[] f = cron.group(1).trim().split("\\s+");
        // L and W (day of month), L and # (day of week): not evaluated. (Names like JUL or WED are
        // fine.)
        if (f.length != 6
                || f[2].matches(".*[LW].*")
                || f[4].contains("#")
                || f[4].matches("(.*\\d)?L")) {
            return Optional.empty();
        }
        try {
            BitSet minutes = field(f[0], 0, 59, Map.of());
            BitSet hours = field(f[1], 0, 23, Map.of());
            BitSet doms = f[2].equals("?") ? null : field(f[2], 1, 31, Map.of());
            BitSet months = field(f[3], 1, 12, MONTHS);
            BitSet dows = f[4].equals("?") ? null : field(f[4], 1, 7, DAYS);
            BitSet years = field(f[5], 1970, 2199, Map.of());
            ZonedDateTime from =
                    after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            LocalDate day = from.toLocalDate();
            for (int i = 0; i < 366 * 5; i++, day = day.plusDays(1)) {
                if (!years.get(day.getYear()) || !months.get(day.getMonthValue())) continue;
                boolean domOk = doms == null || doms.get(day.getDayOfMonth());
                boolean dowOk = dows == null || dows.get(eventBridgeDay(day.getDayOfWeek()));
                if (!domOk || !dowOk) continue;
                for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                    for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                        ZonedDateTime t = day.atTime(h, m).atZone(ZoneOffset.UTC);
                        if (!t.isBefore(from)) return Optional.of(t.toInstant());
                    }
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException bad) {
            return Optional.empty();
        }
    }

    /** The time between the next two firings: how old a key may get between scheduled rotations. */
    static Optional<Duration> period(String expression, Instant now) {
        return next(expression, now)
                .flatMap(
                        first ->
                                next(expression, first)
                                        .map(second -> Duration.between(first, second)));
    }

    private static Duration period(long n, String unit) {
        return switch (unit.replaceAll("s$", "")) {
            case "minute" -> Duration.ofMinutes(n);
            case "hour" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static int eventBridgeDay(DayOfWeek d) {
        return d == DayOfWeek.SUNDAY ? 1 : d.getValue() + 1;
    }

    private static BitSet field(String text, int min, int max, Map<String, Integer> names) {
        BitSet set = new BitSet(max + 1);
        for (String part : text.split(",")) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = Integer.parseInt(part.substring(slash + 1));
                if (step < 1) throw new IllegalArgumentException("step " + step);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = value(ends[0], names);
                to = value(ends[1], names);
            } else {
                from = value(range, names);
                to = slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to) throw new IllegalArgumentException(part);
            for (int v = from; v <= to; v += step) set.set(v);
        }
        return set;
    }

    private static int value(String text, Map<String, Integer> names) {
        Integer named = names.get(text.toUpperCase(Locale.ROOT));
        return named != null ? named : Integer.parseInt(text);
    }
}
