package io.veryfikeys.safety;

import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import io.veryfikeys.support.SecretValue;
import io.veryfikeys.veryfi.VeryfiAccount;
import io.veryfikeys.veryfi.VeryfiKeysClient;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The checker itself, which every safety test leans on. */
class InvariantCheckerTest extends LocalStackTest {

    /**
     * A person deletes, mid-rotation, the old key that a consumer still uses: the check that
     * follows that very change names it, while the execution is still running, before any state of
     * the execution or its end could have noticed.
     */
    @Test
    void aChangeThatBreaksAnInvariantIsCaughtByTheCheckAfterIt() throws Exception {
        // The consumer never takes up the new key: the rotation waits in its poll loop, both keys
        // live.
        RotationHarness.Account account = harness.account(1, Duration.ofMinutes(10));
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        String arn = harness.start(account.secretId(), RotationHarness.settings(1, 1, 120, 0));
        CompletableFuture<RotationHarness.Execution> watched =
                CompletableFuture.supplyAsync(() -> checker.watch(arn, Duration.ofMinutes(3)));
        harness.awaitState(arn, "WaitBeforeNextPoll");
        assertThat(checker.violations()).isEmpty();

        SimulatedConsumer.Credentials current =
                harness.credentials(account.secretId(), "AWSCURRENT");
        VeryfiAccount veryfi =
                new VeryfiAccount(
                        current.baseUrl(),
                        current.clientId(),
                        current.username(),
                        Optional.ofNullable(current.clientSecret()).map(SecretValue::of));
        VeryfiKeysClient.create()
                .deleteKey(veryfi, SecretValue.of(current.apiKey()), account.initialKeyId());
        String deleted =
                "after KeyDeleted[clientId="
                        + account.clientId()
                        + ", keyId="
                        + account.initialKeyId()
                        + "]";
        try {
            await("a violation found by the check after the deletion")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> checker.violations().stream().anyMatch(v -> v.contains(deleted)));
            assertThat(harness.sfn.describeExecution(b -> b.executionArn(arn)).status())
                    .as("caught while the run goes on")
                    .isEqualTo(ExecutionStatus.RUNNING);
        } finally {
            harness.sfn.stopExecution(b -> b.executionArn(arn).cause("test over"));
            watched.get(3, TimeUnit.MINUTES);
        }
        assertThat(checker.violations())
                .anyMatch(
                        v ->
                                v.contains(deleted)
                                        && v.contains(
                                                "uses key "
                                                        + account.initialKeyId()
                                                        + ", which is not live"));
        assertThat(checker.violations())
                .as("the consumer's rejected calls are changes too")
                .anyMatch(
                        v -> v.contains("after ConsumerCallRejected") && v.contains("locked out"));
    }
}
