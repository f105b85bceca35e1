package io.veryfikeys.safety;

import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6: concurrent rotations. One account started N times: one mutates; N accounts at once: all
 * complete.
 */
class ConcurrencyTest extends LocalStackTest {
    static final int N = 5;
    static final Map<String, Object> SETTINGS = RotationHarness.settings(1, 2, 30, 0);

    /**
     * Our own threads: blocking waits on the common ForkJoinPool (1 thread on 2 cores) starve the
     * JDK's HTTP stack.
     */
    private static final java.util.concurrent.ExecutorService POOL =
            java.util.concurrent.Executors.newFixedThreadPool(2 * N);

    @BeforeAll
    static void deploy() {
        harness.stateMachine("RotationStateMachine");
    }

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void nRotationsOfOneAccountStartedTogetherMutateOnce() {
        RotationHarness.Account account = harness.account(2, Duration.ZERO);
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        List<CompletableFuture<String>> starts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            starts.add(
                    CompletableFuture.supplyAsync(
                            () -> harness.start(account.secretId(), SETTINGS), POOL));
        }
        List<String> arns = starts.stream().map(CompletableFuture::join).toList();
        List<CompletableFuture<RotationHarness.Execution>> watched =
                arns.stream()
                        .map(
                                arn ->
                                        CompletableFuture.supplyAsync(
                                                () -> checker.watch(arn, Duration.ofMinutes(2)),
                                                POOL))
                        .toList();
        List<RotationHarness.Execution> executions =
                watched.stream().map(CompletableFuture::join).toList();
        checker.checkEnd("end", executions);

        List<RotationHarness.Execution> rotated =
                executions.stream().filter(e -> e.statesEntered().contains("CreateKey")).toList();
        List<RotationHarness.Execution> refused =
                executions.stream()
                        .filter(e -> e.statesEntered().contains("ReportAlreadyRunning"))
                        .toList();
        List<String> mutations =
                harness.keyApiCalls(account.clientId()).stream()
                        .filter(c -> !c.startsWith("GET"))
                        .toList();
        System.out.printf(
                "CONCURRENCY one account x %d: rotated=%d already-running=%d Veryfi mutations=%s%n",
                N, rotated.size(), refused.size(), mutations);
        assertThat(rotated).hasSize(1);
        assertThat(rotated.get(0).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(refused)
                .hasSize(N - 1)
                .allSatisfy(
                        e -> {
                            assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                            assertThat(e.statesEntered())
                                    .doesNotContain("CreateKey", "Promote", "DeleteOldKey");
                        });
        assertThat(mutations.stream().filter(c -> c.startsWith("POST"))).hasSize(1);
        assertThat(mutations.stream().filter(c -> c.startsWith("DELETE"))).hasSize(1);
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).hasSize(1);
        assertThat(checker.violations()).isEmpty();
        assertThat(InvariantChecker.leaksIn(harness, executions)).isEmpty();
    }

    @Test
    void nAccountsRotatedAtOnceAllComplete() {
        List<RotationHarness.Account> accounts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            accounts.add(harness.account(1, Duration.ofMillis(200)));
        }
        List<CompletableFuture<List<String>>> runs =
                accounts.stream()
                        .map(
                                account ->
                                        CompletableFuture.supplyAsync(
                                                () -> {
                                                    InvariantChecker checker =
                                                            new InvariantChecker(
                                                                    harness, account, false);
                                                    RotationHarness.Execution e =
                                                            checker.watch(
                                                                    harness.start(
                                                                            account.secretId(),
                                                                            SETTINGS),
                                                                    Duration.ofMinutes(2));
                                                    checker.checkEnd("end", List.of(e));
                                                    List<String> problems =
                                                            new ArrayList<>(checker.violations());
                                                    if (e.status() != ExecutionStatus.SUCCEEDED
                                                            || !e.statesEntered()
                                                                    .contains("Rotated")) {
                                                        problems.add(
                                                                account.secretId()
                                                                        + " ended "
                                                                        + e.status()
                                                                        + " "
                                                                        + e.statesEntered());
                                                    }
                                                    List<Long> live =
                                                            harness.veryfi.liveKeyIds(
                                                                    account.clientId());
                                                    if (live.size() != 1
                                                            || !live.get(0)
                                                                    .equals(
                                                                            harness.keyIdsByStage(
                                                                                            account
                                                                                                    .secretId())
                                                                                    .get(
                                                                                            "AWSCURRENT"))) {
                                                        problems.add(
                                                                account.secretId()
                                                                        + " live "
                                                                        + live
                                                                        + " stages "
                                                                        + harness.keyIdsByStage(
                                                                                account
                                                                                        .secretId()));
                                                    }
                                                    problems.addAll(
                                                            InvariantChecker.leaksIn(
                                                                    harness, List.of(e)));
                                                    return problems;
                                                },
                                                POOL))
                        .toList();
        List<String> problems = runs.stream().flatMap(f -> f.join().stream()).toList();
        System.out.printf("CONCURRENCY %d accounts at once: problems=%s%n", N, problems);
        assertThat(problems).isEmpty();
    }
}
