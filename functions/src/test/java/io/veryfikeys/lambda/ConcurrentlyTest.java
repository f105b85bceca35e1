package io.veryfikeys.lambda;

import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call started concurrently behaves as it would have on the invocation's own thread: same log
 * context, same deadline, same priming answers, same exception.
 */
class ConcurrentlyTest {
    @AfterEach
    void clean() {
        Concurrently.awaitStarted();
        InvocationDeadline.end();
        Log.clearContext();
    }

    @Test
    void theWorkerCarriesTheLogContextAndTheDeadline() {
        Log.context("account", "veryfi/payroll");
        InvocationDeadline.begin(InvocationDeadlineTest.remaining(31_000));

        Concurrently.Call<Object[]> seen =
                Concurrently.start(
                        () ->
                                new Object[] {
                                    Log.contextSnapshot(),
                                    InvocationDeadline.allows(Duration.ofSeconds(2)),
                                    Thread.currentThread()
                                });

        Object[] worker = seen.join();
        assertThat(worker[0]).isEqualTo(Map.of("account", "veryfi/payroll"));
        assertThat(worker[1])
                .as("31 s left minus the 30 s reserve: 2 s no longer fit there either")
                .isEqualTo(false);
        assertThat(worker[2]).isNotSameAs(Thread.currentThread());
    }

    @Test
    void joinThrowsTheCallsOwnException() {
        IllegalStateException failure = new IllegalStateException("Secrets Manager is down");

        Concurrently.Call<String> call =
                Concurrently.start(
                        () -> {
                            throw failure;
                        });

        assertThatThrownBy(call::join).isSameAs(failure);
    }

    @Test
    void aWorkerStartedByAPrimingHookGetsTheHooksAnswersNotTheNetwork() {
        boolean[] active = new boolean[1];
        String[] answer = new String[1];

        Priming.asHook(
                () ->
                        Priming.answering(
                                Map.of("secretsmanager.ListSecrets", "{\"SecretList\":[]}"),
                                () ->
                                        Concurrently.start(
                                                        () -> {
                                                            active[0] = Priming.active();
                                                            answer[0] =
                                                                    Priming.answerFor(
                                                                            "secretsmanager.ListSecrets");
                                                            return null;
                                                        })
                                                .join()));

        assertThat(active[0]).isTrue();
        assertThat(answer[0]).isEqualTo("{\"SecretList\":[]}");
    }

    @Test
    void aCallNobodyJoinedIsAwaitedAsTheInvocationEndsAndItsFailureIgnored() {
        AtomicBoolean finished = new AtomicBoolean();
        Concurrently.start(
                () -> {
                    sleep(200);
                    finished.set(true);
                    throw new IllegalStateException("nobody needs this answer any more");
                });

        Concurrently.awaitStarted();

        assertThat(finished).isTrue();
    }

    @Test
    void aPooledWorkerIsLeftWithoutTheInvocationsContext() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Log.context("account", "veryfi/payroll");
            InvocationDeadline.begin(InvocationDeadlineTest.remaining(31_000));
            assertThat(
                            pool.submit(
                                            Concurrently.carrying(
                                                    () -> Log.contextSnapshot().get("account")))
                                    .get(5, TimeUnit.SECONDS))
                    .isEqualTo("veryfi/payroll");

            // the next task on the same thread, from nobody's invocation
            Object[] after =
                    pool.submit(
                                    () ->
                                            new Object[] {
                                                Log.contextSnapshot(),
                                                InvocationDeadline.allows(Duration.ofSeconds(2))
                                            })
                            .get(5, TimeUnit.SECONDS);
            assertThat(after[0]).isEqualTo(Map.of());
            assertThat(after[1]).as("no deadline left behind").isEqualTo(true);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
