package io.veryfikeys.safety;

import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 in the safety suite: with consumers of every contract, the invariants hold after every
 * state (no key a consumer last named is deleted before it named another); and the checker does
 * catch a deleted key that a confirmation still names.
 */
class ContractInvariantsTest extends LocalStackTest {
    static final Map<String, Object> FAST = RotationHarness.settings(1, 1, 60, 0);

    @Test
    void aRotationWithAConsumerOfEachKindKeepsEveryInvariant() {
        RotationHarness.Account account = harness.account(1, Duration.ofMillis(200));
        harness.addToRegistry(account, "worker", 300, "partner");
        harness.startCheckInWorker(account, "worker");
        InvariantChecker checker =
                new InvariantChecker(harness, account, false).recordsOf("worker", "partner");
        harness.confirm(account.secretId(), "partner", account.initialKeyId());
        String arn = harness.start(account.secretId(), FAST);
        CompletableFuture<RotationHarness.Execution> watched =
                CompletableFuture.supplyAsync(() -> checker.watch(arn, Duration.ofMinutes(3)));
        harness.awaitPolls(arn, 2, Duration.ofMinutes(2));
        harness.confirm(
                account.secretId(),
                "partner",
                harness.keyIdsByStage(account.secretId()).get("AWSCURRENT"));

        RotationHarness.Execution execution = watched.join();

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(checker.checks()).isGreaterThan(5);
        assertThat(checker.violations()).isEmpty();
    }

    @Test
    void theCheckerCatchesADeletedKeyThatAConfirmationStillNames() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.addToRegistry(account, null, 0, "partner");
        InvariantChecker checker =
                new InvariantChecker(harness, account, false).recordsOf("partner");
        // The partner confirmed a key that is then deleted at Veryfi by hand (a second key exists).
        long spare = harness.veryfi.addKey(account.clientId()).id();
        harness.confirm(account.secretId(), "partner", spare);
        checker.check("before");
        assertThat(checker.violations()).isEmpty();
        harness.deleteAtVeryfi(account, spare);

        checker.check("after");

        assertThat(checker.violations())
                .singleElement()
                .asString()
                .contains("consumer partner last said")
                .contains("key " + spare);
    }
}
