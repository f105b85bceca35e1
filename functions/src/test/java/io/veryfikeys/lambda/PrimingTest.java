package io.veryfikeys.lambda;

import io.veryfikeys.aws.PrimingTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SnapStart priming hooks of every handler run to the end and never reach the network: the SDK
 * endpoint points at a closed port, so any request that were really sent would fail here, and each
 * SDK call is answered by the priming HTTP client, so its response is unmarshalled. (This class
 * runs in its own JVM: the module's surefire configuration gives it a fork of its own.)
 */
class PrimingTest {
    static final List<String> HANDLERS =
            List.of(
                    "io.veryfikeys.rotation.PlanHandler",
                    "io.veryfikeys.rotation.CreateKeyHandler",
                    "io.veryfikeys.rotation.VerifyNewKeyHandler",
                    "io.veryfikeys.rotation.PromoteHandler",
                    "io.veryfikeys.rotation.PollConsumersHandler",
                    "io.veryfikeys.rotation.DeleteOldKeyHandler",
                    "io.veryfikeys.rotation.RevertHandler",
                    "io.veryfikeys.rotation.ReportHandler",
                    "io.veryfikeys.rotation.ListAccountsHandler",
                    "io.veryfikeys.reset.ResetHandler");
    private static final Map<String, String> PROPERTIES =
            Map.of(
                    "aws.region", "us-east-1",
                    "aws.accessKeyId", "priming-test",
                    "aws.secretAccessKey", "priming-test",
                    "aws.endpointUrl", "http://127.0.0.1:9",
                    "ALERTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:alerts",
                    "KEY_ROTATED_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:key-rotated",
                    "ROTATION_STATE_MACHINE_ARN",
                            "arn:aws:states:us-east-1:123456789012:stateMachine:rotation");
    private static final Map<String, String> PREVIOUS = new LinkedHashMap<>();

    @BeforeAll
    static void configure() {
        PROPERTIES.forEach(
                (k, v) -> {
                    PREVIOUS.put(k, System.getProperty(k));
                    System.setProperty(k, v);
                });
    }

    @AfterAll
    static void restore() {
        PREVIOUS.forEach(
                (k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
    }

    @Test
    void everyHandlerRegistersAHookThatPrimesWithoutCallingOut() throws Exception {
        for (String handler : HANDLERS) {
            // as Lambda does during init: load and construct the handler, which registers its hook
            Class.forName(handler, true, getClass().getClassLoader())
                    .getDeclaredConstructor()
                    .newInstance();
            Class.forName(handler)
                    .getDeclaredConstructor()
                    .newInstance(); // a second construction registers nothing more
        }
        assertThat(Priming.registered()).isEqualTo(HANDLERS.size());

        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        io.veryfikeys.support.Log.redirect(new java.io.PrintStream(printed, true));
        long started = System.nanoTime();
        try {
            Priming.primeNow(); // strict: a hook that fails or reaches 127.0.0.1:9 throws
        } finally {
            io.veryfikeys.support.Log.redirect(null);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        // The Report hook runs the metric code, but a snapshot's output reaches CloudWatch Logs:
        // a printed metric line would count a made-up rotation on every published version.
        assertThat(printed.toString()).doesNotContain("\"_aws\"");

        assertThat(millis).as("priming must not wait for retries or timeouts").isLessThan(20_000);
        // every SDK call of every hook was answered locally, so response unmarshalling is primed
        // too
        assertThat(PrimingTransport.answered())
                .as("SDK calls answered by the priming client")
                .isGreaterThanOrEqualTo(20);
        assertThat(Priming.active()).isFalse();
    }

    /**
     * The canned answers reach our own code as Secrets Manager and Step Functions would give them:
     * a misspelled member would unmarshal to an empty list without an error, and the first
     * invocation would load those classes again.
     */
    @Test
    void cannedAnswersAreReadByOurCodeAsARealAnswerIs() {
        var scan = new java.util.concurrent.atomic.AtomicReference<Object>();
        var created = new java.util.concurrent.atomic.AtomicReference<Object>();
        var running = new java.util.concurrent.atomic.AtomicReference<Object>();
        Priming.asHook(
                () -> {
                    scan.set(io.veryfikeys.rotation.HandlerPriming.scanSecrets());
                    created.set(io.veryfikeys.rotation.HandlerPriming.readVersionIds());
                    running.set(io.veryfikeys.rotation.HandlerPriming.runningRotations());
                    // throws a ForgedStateException unless the history holds the plan, the
                    // created key and the rollout of the priming state
                    io.veryfikeys.rotation.HandlerPriming.readHistory();
                });
        assertThat(((io.veryfikeys.secrets.SameAccountSecrets.Scan) scan.get()).holders())
                .extracting(io.veryfikeys.secrets.SameAccountSecrets.Holder::secretId)
                .containsExactly(io.veryfikeys.rotation.HandlerPriming.SECRET);
        assertThat(running.get())
                .isEqualTo(java.util.List.of(io.veryfikeys.rotation.HandlerPriming.EXECUTION));
        assertThat(created.get())
                .isEqualTo(java.util.Optional.of(java.time.Instant.parse("2026-01-01T00:00:00Z")));
    }

    /**
     * The Veryfi client's canned answers are read as Veryfi's answers are: an answer the client
     * could not read would throw (MalformedResponseException) and prime only its error path.
     */
    @Test
    void theVeryfiClientReadsItsCannedAnswersAsVeryfisOwn() {
        assertThat(io.veryfikeys.veryfi.VeryfiPriming.list()).containsExactly(1L, 2L);
        assertThat(io.veryfikeys.veryfi.VeryfiPriming.create().id()).isEqualTo(3L);
        assertThat(io.veryfikeys.veryfi.VeryfiPriming.reset())
                .extracting(io.veryfikeys.veryfi.ApiKey::id)
                .containsExactly(4L);
        io.veryfikeys.veryfi.VeryfiPriming.delete();
    }
}
