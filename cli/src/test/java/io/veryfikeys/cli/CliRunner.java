package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the CLI in this JVM as an operator would type it, and keeps everything it printed for the
 * leak scan.
 */
final class CliRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    /** Everything printed, stdout and stderr. */
    final List<String> printed = new ArrayList<>();

    /** Every stderr line of the commands run without --debug. */
    final List<String> errorLines = new ArrayList<>();

    /** Against the local stack at this endpoint (--local --endpoint). */
    Result local(URI endpoint, String... args) {
        return run(
                Stream.concat(
                                Stream.of("--local", "--endpoint", endpoint.toString()),
                                Stream.of(args))
                        .toArray(String[]::new));
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                VeryfiKeysCli.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        Result r =
                new Result(
                        code,
                        out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
        printed.add(r.out());
        printed.add(r.err());
        if (!List.of(args).contains("--debug")) errorLines.addAll(r.err().lines().toList());
        return r;
    }
}
