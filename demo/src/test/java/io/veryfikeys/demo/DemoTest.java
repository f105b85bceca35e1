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
                        "SUCCESS: new key in place, old key deleted, no consumer was ever rejected");
    }
}
