package io.veryfikeys.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code veryfi-keys compliance}: every account's current key age against its maximum (the stack's
 * MaxKeyAgeDays, or the account's {@code <tag key>:max-key-age-days} tag), as a table or JSON, and
 * exit code 1 when any key is older, has no age to show, or has an unreadable policy tag: the
 * answer to an auditor's "show me every key's age", and a check a pipeline can run.
 */
@Command(
        name = "compliance",
        mixinStandardHelpOptions = true,
        description = {
            "Every account's current key age against its maximum key age (stack MaxKeyAgeDays, or the"
                    + " account's <tag key>:max-key-age-days tag).",
            "Exit code 1 when any key is older than allowed, has no creation date, or its tag cannot be read."
        })
final class Compliance extends VeryfiKeysCli.Base {
    static final int DEFAULT_MAX_DAYS = 90;

    @Mixin AccountsOption accounts;

    @Option(
            names = "--max-key-age-days",
            paramLabel = "DAYS",
            description =
                    "Maximum key age for accounts without the tag (default: the stack's MaxKeyAgeDays"
                            + " output, else "
                            + DEFAULT_MAX_DAYS
                            + ").")
    Integer maxKeyAgeDays;

    @Option(
            names = "--as-of",
            paramLabel = "TIME",
            description =
                    "Judge the ages at this ISO-8601 time instead of now, e.g. the day of an audit"
                            + " (2027-01-31T00:00:00Z).")
    String asOf;

    @Override
    int run(Target target) {
        Instant when = asOf == null ? Instant.now() : parseTime(asOf);
        int defaultMax = defaultMaxDays(target);
        List<String> names = accounts.namesOrRefuse(target);
        List<KeyAgeCompliance.Verdict> verdicts = new ArrayList<>();
        for (String account : names) {
            verdicts.add(
                    verdict(
                            target,
                            account,
                            SecretStages.current(target.secrets(), account),
                            accounts.tagKey,
                            defaultMax,
                            when));
        }
        long failing = verdicts.stream().filter(v -> !v.compliant()).count();
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target.describe());
            m.put("asOf", VeryfiKeysCli.time(when));
            m.put("defaultMaxKeyAgeDays", defaultMax);
            m.put("compliant", failing == 0);
            m.put("accounts", verdicts.stream().map(Compliance::toJson).toList());
            out().println(VeryfiKeysCli.toJson(m));
        } else {
            out().printf(
                            "%-32s %-10s %-9s %-9s %-44s %s%n",
                            "ACCOUNT", "KEY", "AGE", "MAX", "POLICY", "STATUS");
            for (KeyAgeCompliance.Verdict v : verdicts) {
                out().printf(
                                "%-32s %-10s %-9s %-9s %-44s %s%s%n",
                                v.account(),
                                v.keyId() == null ? "?" : v.keyId(),
                                v.ageSeconds() == null ? "?" : v.ageSeconds() / 86400 + " days",
                                v.maxDays() == null ? "?" : v.maxDays() + " days",
                                v.policy(),
                                v.status(),
                                v.reason() == null ? "" : "  (" + v.reason() + ")");
            }
            out().printf(
                            "%d account(s) as of %s: %d compliant, %d not%n",
                            verdicts.size(),
                            VeryfiKeysCli.time(when),
                            verdicts.size() - failing,
                            failing);
        }
        return failing == 0 ? ExitCodes.OK : ExitCodes.NOT_SUCCEEDED;
    }

    /** One account's verdict, from its AWSCURRENT stage (already read; null if none) and tags. */
    static KeyAgeCompliance.Verdict verdict(
            Target target,
            String account,
            SecretStages.Stage current,
            String tagKey,
            int defaultMax,
            Instant when) {
        Map<String, String> tags =
                target.secrets().describeSecret(r -> r.secretId(account)).tags().stream()
                        .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        return KeyAgeCompliance.judge(
                account,
                current == null ? null : current.keyId(),
                current == null ? null : current.created(),
                tags,
                tagKey,
                defaultMax,
                when);
    }

    private int defaultMaxDays(Target target) {
        return defaultMaxDays(target, maxKeyAgeDays);
    }

    /** {@code --max-key-age-days}, else the stack's MaxKeyAgeDays output, else 90. */
    static int defaultMaxDays(Target target, Integer maxKeyAgeDays) {
        if (maxKeyAgeDays != null) {
            if (maxKeyAgeDays < 1 || maxKeyAgeDays > KeyAgeCompliance.MAX_DAYS)
                throw new CliException(
                        ExitCodes.USAGE,
                        "--max-key-age-days must be from 1 to "
                                + KeyAgeCompliance.MAX_DAYS
                                + ", got "
                                + maxKeyAgeDays);
            return maxKeyAgeDays;
        }
        String output = target.output("MaxKeyAgeDays");
        if (output == null) return DEFAULT_MAX_DAYS;
        try {
            return Integer.parseInt(output.trim());
        } catch (NumberFormatException e) {
            throw new CliException(
                    ExitCodes.AWS_ERROR,
                    "the stack's MaxKeyAgeDays output is not a number: " + output);
        }
    }

    private static Instant parseTime(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--as-of must be an ISO-8601 time such as 2027-01-31T00:00:00Z, got '"
                            + text
                            + "'");
        }
    }

    static Map<String, Object> toJson(KeyAgeCompliance.Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account", v.account());
        m.put("keyId", v.keyId());
        m.put("keyCreated", v.created() == null ? null : v.created().toString());
        m.put("ageSeconds", v.ageSeconds());
        m.put("ageDays", v.ageSeconds() == null ? null : v.ageSeconds() / 86400);
        m.put("maxKeyAgeDays", v.maxDays());
        m.put("policy", v.policy());
        m.put("status", v.status().name());
        m.put("reason", v.reason());
        return m;
    }
}
