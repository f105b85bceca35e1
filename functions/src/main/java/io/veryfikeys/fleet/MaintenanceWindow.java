package io.veryfikeys.fleet;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an account may be rotated: days of the week and a time of day in UTC, as the tag {@code
 * <RotationTagKey>:window} writes it, e.g. {@code Mon-Fri 01:00-05:00}, {@code Sat,Sun 00:00-06:00}
 * or {@code daily 22:00-02:00}. The start is inclusive and the end exclusive; a window that ends
 * before it starts runs past midnight and belongs to the day it starts on. UTC because a fleet
 * spans time zones and a Lambda's clock is UTC.
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
    private static final Pattern FORMAT =
            Pattern.compile("(\\S+)\\s+(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final DayOfWeek[] WEEK = DayOfWeek.values();

    /**
     * Parses the tag's value; throws {@link IllegalArgumentException} with what is wrong, for the
     * fleet report.
     */
    public static MaintenanceWindow parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not DAYS HH:MM-HH:MM (UTC), e.g. Mon-Fri 01:00-05:00");
        }
        LocalTime start = time(m.group(2), m.group(3), text);
        LocalTime end = time(m.group(4), m.group(5), text);
        if (start.equals(end)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is an empty window: its start and end are the same time");
        }
        return new MaintenanceWindow(days(m.group(1), text), start, end);
    }

    /** True if {@code instant} falls inside the window. */
    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        LocalTime time = t.toLocalTime();
        if (start.isBefore(end)) {
            return days.contains(t.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
        }
        // Past midnight: the evening part on a listed day, the morning part the day after one.
        return (days.contains(t.getDayOfWeek()) && !time.isBefore(start))
                || (days.contains(t.getDayOfWeek().minus(1)) && time.isBefore(end));
    }

    private static LocalTime time(String hours, String minutes, String text) {
        int h = Integer.parseInt(hours);
        int min = Integer.parseInt(minutes);
        if (h > 23 || min > 59) {
            throw new IllegalArgumentException(
                    "'" + text + "': " + hours + ":" + minutes + " is not a time of day");
        }
        return LocalTime.of(h, min);
    }

    private static Set<DayOfWeek> days(String spec, String text) {
        if (spec.equalsIgnoreCase("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",")) {
            String[] range = part.split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + text + "': '" + part + "' is not a day");
            }
            DayOfWeek from = day(range[0], text);
            DayOfWeek to = range.length == 2 ? day(range[1], text) : from;
            for (int i = from.ordinal(); ; i = (i + 1) % 7) {
                days.add(WEEK[i]);
                if (i == to.ordinal()) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String name, String text) {
        for (DayOfWeek day : WEEK) {
            if (day.name().substring(0, 3).equalsIgnoreCase(name)) {
                return day;
            }
        }
        throw new IllegalArgumentException(
                "'"
                        + text
                        + "': '"
                        + name
                        + "' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun, or daily)");
    }

    @Override
    public String toString() {
        return days + " " + start + "-" + end + " UTC";
    }
}
