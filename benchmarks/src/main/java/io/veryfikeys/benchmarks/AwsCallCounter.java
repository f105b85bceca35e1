package io.veryfikeys.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the AWS API calls the handlers made (the cost rotation) from their own log: every call,
 * through an SDK client or the signed SSM read, logs one {@code aws.call} line.
 */
final class AwsCallCounter {
    private static final Pattern CALL =
            Pattern.compile(
                    "\"event\":\"aws\\.call\".*\"service\":\"([A-Za-z]+)\".*\"operation\":\"([A-Za-z]+)\"");

    private AwsCallCounter() {}

    /**
     * {@code Service.Operation} → calls, from the lines of {@code log} written after {@code
     * offset}.
     */
    static Map<String, Integer> count(Path log, long offset) {
        Map<String, Integer> calls = new TreeMap<>();
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(offset);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = CALL.matcher(line);
                if (m.find()) {
                    calls.merge(m.group(1) + "." + m.group(2), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }
}
