package io.veryfikeys.lambda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every handler's whole path (its SnapStart priming runs each AWS and Veryfi call against canned
 * answers) reads and writes JSON without databind's ObjectMapper, and finds its AWS endpoints
 * without the SDK's metadata loader: a fresh JVM paid about 630 classes and 270-460 ms for the one
 * and 360 classes and 190 ms for the other before the first answer (issue 18). No endpoint override
 * here, as in AWS (the priming never reaches the network: PrimingTest), and the region and
 * credentials in the environment, as Lambda passes them without SnapStart; nor does it start SLF4J,
 * whose search for a backend cost 12 ms and printed three warnings on every cold start, nor the JCE
 * framework behind javax.crypto.Mac (30 ms; HmacSha256 signs instead), nor jackson-core's parser
 * and generator (65 ms; JsonTree reads and writes through Gson's). Run in a JVM of its own, since
 * this one has loaded whatever other tests needed; a {@code JsonNode.toString()} or a new {@code
 * readValue} anywhere in the functions fails here.
 */
class ClassesLoadedByPrimingTest {
    @Test
    void noHandlerLoadsAnObjectMapperOrItsSerializers(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("classes.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info:file=" + log);
        for (var p :
                List.of(
                        "ALERTS_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:alerts",
                        "KEY_ROTATED_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:key-rotated",
                        "ROTATION_STATE_MACHINE_ARN="
                                + "arn:aws:states:us-east-1:123456789012:stateMachine:rotation")) {
            command.add("-D" + p);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PrimeEveryHandler.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        // Region and credentials as Lambda passes them to a function without SnapStart.
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_ACCESS_KEY_ID", "priming-test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "priming-test");
        builder.environment().put("AWS_SESSION_TOKEN", "priming-test");
        Process process =
                builder.redirectErrorStream(true)
                        .redirectOutput(dir.resolve("out.txt").toFile())
                        .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(Files.readString(dir.resolve("out.txt"))).isZero();
        List<String> loaded = Files.readAllLines(log);
        assertThat(loaded)
                .as("the priming ran: every handler's class was loaded")
                .anyMatch(line -> line.contains("io.veryfikeys.reset.ResetHandler "))
                .anyMatch(line -> line.contains("io.veryfikeys.support.JsonRecords "));
        assertThat(loaded)
                .noneMatch(line -> line.contains("com.fasterxml.jackson.databind.ObjectMapper "))
                .noneMatch(line -> line.contains("com.fasterxml.jackson.databind.ser."))
                .noneMatch(line -> line.contains("com.fasterxml.jackson.databind.deser."))
                .as("endpoints resolved without the SDK's metadata of every service and region")
                .noneMatch(line -> line.contains("software.amazon.awssdk.regions.servicemetadata."))
                .noneMatch(line -> line.contains("software.amazon.awssdk.regions.regionmetadata."))
                .as(
                        "region and credentials read without the SDK's settings utilities, which start SLF4J")
                .noneMatch(line -> line.contains(" org.slf4j."))
                .as("every signature computed without the JCE framework's Mac")
                .noneMatch(line -> line.contains(" javax.crypto.Mac "))
                .as("JSON read and written by Gson's streaming classes, not jackson-core's")
                .noneMatch(line -> line.contains(" com.fasterxml.jackson.core.JsonFactory "))
                .noneMatch(line -> line.contains(" com.fasterxml.jackson.core.json."))
                .anyMatch(line -> line.contains(" com.google.gson.stream.JsonReader "));
        assertThat(Files.readString(dir.resolve("out.txt")))
                .as("no SLF4J warning in the function's log")
                .doesNotContain("SLF4J");
    }

    /** The child JVM: builds every handler (which registers its priming) and primes them all. */
    public static final class PrimeEveryHandler {
        public static void main(String[] args) throws Exception {
            List<String> handlers = new ArrayList<>(PrimingTest.HANDLERS);
            handlers.add("io.veryfikeys.fleet.FleetReportHandler");
            for (String handler : handlers) {
                Class.forName(handler).getConstructor().newInstance();
            }
            Priming.primeNow();
        }
    }
}
