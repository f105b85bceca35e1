package io.veryfikeys.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's one-iteration smoke of the benchmark ({@code benchmarks/run --smoke}): the deployable jar's
 * handlers run a whole rotation, a list and a reset, each in a fresh child JVM driven by the real
 * state machine on the local stack, and the per-rotation budget holds. Timing figures are printed,
 * never asserted: CI machines are too noisy for that.
 */
class BenchmarkSmokeTest {

    @Test
    void oneIterationRunsEveryRotationHandlerInAFreshJvm() throws Exception {
        Benchmark.Result result = Benchmark.run(new Benchmark.Options(1, true));
        System.out.println(result.table());

        assertThat(result.rotationSucceeded()).isTrue();
        assertThat(result.veryfiCalls()).isLessThanOrEqualTo(5);
        assertThat(result.stateTransitions()).isLessThanOrEqualTo(25);
        assertThat(result.samples()).containsKeys("hello/HelloFunction", "optimized/PlanFunction",
                "optimized/CreateKeyFunction", "optimized/VerifyNewKeyFunction", "optimized/PromoteFunction",
                "optimized/PollConsumersFunction", "optimized/DeleteOldKeyFunction", "optimized/ReportFunction",
                "optimized/ListAccountsFunction", "optimized/ResetFunction");
    }

    @Test
    void theDeployableJarHoldsOneHttpClient() throws Exception {
        Path jar = Path.of(System.getProperty("functions.jar"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/hc/") || n.startsWith("org/apache/http/")
                            || n.startsWith("io/netty/") || n.startsWith("software/amazon/awssdk/http/apache")
                            || n.startsWith("software/amazon/awssdk/http/nio/") || n.startsWith("software/amazon/awssdk/crt/"))
                    .limit(5).toList())
                    .as("Apache, Netty and CRT HTTP clients must stay out of the functions jar").isEmpty();
            assertThat(jar.toFile().length()).as("deployable size, guard against regressions").isLessThan(17_000_000L);
        }
    }
}
