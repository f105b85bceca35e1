package io.veryfikeys.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's one-iteration smoke of the benchmark ({@code benchmarks/run --smoke}): the deployable's
 * functions run a whole rotation, a list and a reset, each in a new sandbox on the faithful
 * runtime, driven by the real state machine on the local stack, two probe JVMs start, and the
 * per-rotation budget holds. Timing figures are printed, never asserted: CI machines are too noisy
 * for that.
 */
class BenchmarkSmokeTest {

    @Test
    void oneIterationRunsEveryRotationHandlerInAFreshJvm() throws Exception {
        Benchmark.Result result = Benchmark.run(new Benchmark.Options(1, true));
        System.out.println(result.table());

        assertThat(result.rotationSucceeded()).isTrue();
        assertThat(result.veryfiCalls()).isLessThanOrEqualTo(5);
        assertThat(result.stateTransitions()).isLessThanOrEqualTo(25);
        // The cold-start rows come from the faithful runtime: each a new sandbox's first
        // invocation.
        assertThat(result.sandboxColdStarts())
                .containsKeys(
                        "HelloFunction",
                        "PlanFunction",
                        "CreateKeyFunction",
                        "VerifyNewKeyFunction",
                        "PromoteFunction",
                        "PollConsumersFunction",
                        "DeleteOldKeyFunction",
                        "ReportFunction",
                        "ListAccountsFunction",
                        "ResetFunction");
        assertThat(result.sandboxColdStarts().values())
                .allSatisfy(
                        starts ->
                                assertThat(starts)
                                        .allSatisfy(
                                                c ->
                                                        assertThat(c.error())
                                                                .as(c.toString())
                                                                .isFalse()));
        // and the probe path (sections 1a and 1b) still starts its children
        assertThat(result.samples())
                .containsKeys("hello/HelloFunction", "optimized/ListAccountsFunction");
    }

    @Test
    void theDeployableHoldsNoSdkClientAndStaysWithinItsSize() throws Exception {
        Path layout = Path.of(System.getProperty("functions.layout"));
        List<String> jars;
        try (Stream<Path> files = Files.list(layout.resolve("lib"))) {
            jars = files.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(jars)
                .filteredOn(
                        n ->
                                n.startsWith("apache")
                                        || n.startsWith("httpclient")
                                        || n.startsWith("httpcore")
                                        || n.startsWith("netty")
                                        || n.startsWith("aws-crt")
                                        || n.startsWith("url-connection-client-")
                                        || n.startsWith("ssm-")
                                        || n.startsWith("secretsmanager-")
                                        || n.startsWith("sfn-")
                                        || n.startsWith("sns-")
                                        || n.startsWith("aws-core-")
                                        || n.startsWith("aws-json-protocol-")
                                        || n.startsWith("aws-query-protocol-"))
                .as(
                        "no SDK HTTP client (AWS calls go over HttpURLConnection) and no SDK service"
                                + " client (every AWS call is an aws/SignedCall) in the deployable")
                .isEmpty();
        // Not a timing: the size is deterministic, and issue 7's budget for everything deployed is
        // 10 MB.
        assertThat(Benchmark.zippedSize(layout))
                .as("function code, zipped")
                .isLessThanOrEqualTo(10_000_000L);
    }
}
