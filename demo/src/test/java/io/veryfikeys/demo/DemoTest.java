package io.veryfikeys.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as {@code ./run-demo} runs it (issue 16's acceptance): consumers of all three contracts
 * move to the new key, the report says how each was verified, and no call is rejected.
 */
class DemoTest {
    @Test
    void everyKindOfConsumerMovesAndTheReportSaysHowEachWasVerified() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream before = Demo.OUT;
        Demo.OUT = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Demo demo = new Demo();
        int code;
        try {
            code = demo.run(false);
        } finally {
            demo.close();
            Demo.OUT = before;
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        assertThat(code).as(report).isZero();
        assertThat(report)
                .contains("operator: veryfi-keys confirm veryfi/demo acme-partner --key-id")
                .contains("payroll-api: health endpoint")
                .contains("invoice-worker: check-in at ")
                .contains("acme-partner: confirmed by arn:aws:")
                .contains("refused 0")
                .contains(
                        "events       Rotation Started, Key Created, Consumers Moved, Old Key Deleted,"
                                + " Rotation Succeeded (EventBridge, source veryfi-key-rotation.local)")
                .contains(
                        "SUCCESS: new key in place, old key deleted, no consumer was ever rejected");

        // Issue 17: the demo's rotation printed its metrics, as Embedded Metric Format lines that
        // CloudWatch Logs would turn into metrics, among the functions' log lines.
        java.nio.file.Path handlers =
                io.veryfikeys.localstack.LocalAwsStackExtension.findTemplate()
                        .getParent()
                        .resolve("target/demo/handlers.log");
        java.util.List<String> metrics =
                java.nio.file.Files.readAllLines(handlers).stream()
                        .filter(l -> l.startsWith("{\"_aws\""))
                        .toList();
        assertThat(metrics)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .contains(
                                                "\"Name\":\"Rotations\"",
                                                "\"Outcome\":\"SUCCEEDED\"",
                                                "\"Account\":\"veryfi/demo\"",
                                                "\"Rotations\":1"))
                .anySatisfy(l -> assertThat(l).contains("\"Name\":\"RotationDuration\""))
                .anySatisfy(l -> assertThat(l).contains("\"Name\":\"ConsumersLagging\""));
    }
}
