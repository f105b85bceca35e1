package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LambdaHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a deployed function meets and the in-process host never showed: its own JVM started from the
 * deployable through the Runtime Interface Client, no access keys (only Lambda's container
 * credentials endpoint, short-lived), SnapStart's life cycle and failures, and its timeout. Each
 * test here failed on the code before issue 11's fixes (see the note for how it was
 * checked).
 */
class FaithfulRuntimeTest extends LocalStackTest {
    static final Map<String, Object> FAST = RotationHarness.settings(1, 2, 60, 0);

    @AfterEach
    void restore() {
        stack.lambdaHost().clearInvokeFaults();
        stack.lambdaHost().sandboxCredentialsLifetime(Duration.ofMinutes(60));
    }

    @Test
    void aRotationRunsEachFunctionInAJvmOfItsOwnWithContainerCredentialsOnly() throws IOException {
        RotationHarness.Account account = harness.account(2, Duration.ofMillis(500));

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FAST, Duration.ofMinutes(2));

        assertThat(execution.status())
                .as(execution.historyText())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, List<Long>> sandboxes = stack.lambdaHost().sandboxProcesses();
        assertThat(sandboxes)
                .containsKeys(
                        "PlanFunction",
                        "CreateKeyFunction",
                        "VerifyNewKeyFunction",
                        "PromoteFunction",
                        "PollConsumersFunction",
                        "DeleteOldKeyFunction",
                        "ReportFunction");
        long self = ProcessHandle.current().pid();
        for (var entry : sandboxes.entrySet()) {
            for (long pid : entry.getValue()) {
                assertThat(pid).isNotEqualTo(self);
                Map<String, String> env = environmentOf(pid);
                // https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html: a SnapStart
                // function gets the container credentials variables, not the access-key ones.
                assertThat(env)
                        .as(entry.getKey() + " environment")
                        .doesNotContainKeys(
                                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
                        .containsKeys(
                                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                "AWS_LAMBDA_RUNTIME_API",
                                "ALERTS_TOPIC_ARN")
                        .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
                        .containsEntry("AWS_LAMBDA_FUNCTION_NAME", entry.getKey())
                        .containsEntry(
                                "_HANDLER", stack.template().function(entry.getKey()).handler());
                String command =
                        Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                assertThat(command)
                        .contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda")
                        .contains("-XX:MaxHeapSize=" + 1024 * 1024 * 85 / 100 + "k");
            }
        }
        // Identity-policy denials (ACCESS_DENIED) are other tests' on purpose: a consumer
        // writing another's check-in, a hostile operator; so are SignaturesOnTheStackTest's forged
        // signatures.
        assertThat(stack.lambdaHost().refusedAwsCalls().keySet())
                .as("requests with keys the stack never issued")
                .filteredOn(FaithfulRuntimeTest::notOnPurpose)
                .isEmpty();
        harness.assertNoKeyLeaked(List.of(execution));
    }

    @Test
    void aWarmSandboxIsReusedAndANewOneStartsWhenAllAreBusy() throws Exception {
        stack.lambdaHost().coldStart("ListAccountsFunction");
        int before = stack.lambdaHost().sandboxesStarted();

        // Both arrive while the first sandbox still starts (seconds): neither finds an idle one.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ListAccountsFunction",
                                            RotationHarness.LIST_ACCOUNTS_EVENT));
            var second =
                    pool.submit(
                            () ->
                                    harness.invoke(
                                            "ListAccountsFunction",
                                            RotationHarness.LIST_ACCOUNTS_EVENT));
            assertThat(first.get().functionError()).as(first.get().payload()).isNull();
            assertThat(second.get().functionError()).as(second.get().payload()).isNull();
        } finally {
            pool.shutdown();
        }
        assertThat(stack.lambdaHost().sandboxesStarted() - before).isEqualTo(2);
        List<Long> pids = stack.lambdaHost().sandboxProcesses().get("ListAccountsFunction");
        assertThat(pids).hasSize(2);

        assertThat(
                        harness.invoke("ListAccountsFunction", RotationHarness.LIST_ACCOUNTS_EVENT)
                                .functionError())
                .isNull();
        assertThat(stack.lambdaHost().sandboxesStarted() - before)
                .as("a warm one was reused")
                .isEqualTo(2);
        assertThat(stack.lambdaHost().sandboxProcesses().get("ListAccountsFunction"))
                .isEqualTo(pids);
    }

    @Test
    void aRotationWhoseFirstInvokeMeetsAVersionInactiveFor14DaysWaitsUntilItIsReady() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        stack.lambdaHost().markIdleFor14Days("PlanFunction", Duration.ofSeconds(5));

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FAST, Duration.ofMinutes(3));

        assertThat(execution.status())
                .as(execution.historyText())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(failedWith(execution, "Lambda.SnapStartNotReadyException"))
                .as(execution.historyText())
                .isPositive();
        assertThat(harness.keyIdsByStage(account.secretId()).get("AWSCURRENT"))
                .isNotEqualTo(account.initialKeyId());
    }

    /**
     * (A slow restore, SnapStartTimeoutException, shares the not-ready retrier:
     * LambdaTaskRetryTest.)
     */
    @Test
    void throttlingAndServiceErrorsAreRetriedByTheTasks() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        stack.lambdaHost()
                .injectInvokeFault(
                        "CreateKeyFunction", LambdaHost.InvokeFault.TOO_MANY_REQUESTS, 2);
        stack.lambdaHost().injectInvokeFault("PromoteFunction", LambdaHost.InvokeFault.SERVICE, 1);

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FAST, Duration.ofMinutes(3));

        assertThat(execution.status())
                .as(execution.historyText())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(failedWith(execution, "Lambda.TooManyRequestsException")).isEqualTo(2);
        assertThat(failedWith(execution, "Lambda.ServiceException")).isEqualTo(1);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .hasSize(1)
                .doesNotContain(account.initialKeyId());
    }

    @Test
    void credentialsThatExpireDuringThePollLoopAreRefreshedByTheWarmSandboxesThatRunAfterIt() {
        // Credentials live 3 s. A first rotation warms every sandbox; in the second, the consumers
        // move after 5 s, so the credentials DeleteOldKey and Report were handed in the first
        // rotation expire while the second one polls, and the same warm sandboxes must fetch new
        // ones.
        stack.lambdaHost().sandboxCredentialsLifetime(Duration.ofSeconds(3));
        stack.lambdaHost().coldStartAll();
        RotationHarness.Account warmUp = harness.account(1, Duration.ZERO);
        assertThat(harness.run(warmUp.secretId(), FAST, Duration.ofMinutes(2)).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, List<Long>> warm = stack.lambdaHost().sandboxProcesses();
        long deleteKeys =
                stack.lambdaHost().credentials().temporaryKeysIssuedTo("DeleteOldKeyFunction");
        long reportKeys = stack.lambdaHost().credentials().temporaryKeysIssuedTo("ReportFunction");
        RotationHarness.Account account = harness.account(1, Duration.ofSeconds(5));

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FAST, Duration.ofMinutes(2));

        assertThat(execution.status())
                .as(execution.historyText())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.statesEntered().stream().filter("PollConsumers"::equals).count())
                .isGreaterThanOrEqualTo(4);
        // The history budget's figure is what a poll really records (see HistoryBudget).
        List<Long> polls =
                execution.history().stream()
                        .filter(
                                e ->
                                        e.stateEnteredEventDetails() != null
                                                && "PollConsumers"
                                                        .equals(
                                                                e.stateEnteredEventDetails()
                                                                        .name()))
                        .map(HistoryEvent::id)
                        .toList();
        for (int i = 1; i < polls.size(); i++) {
            assertThat(polls.get(i) - polls.get(i - 1))
                    .as("events per poll")
                    .isEqualTo(io.veryfikeys.rotation.HistoryBudget.EVENTS_PER_POLL);
        }
        Map<String, List<Long>> after = stack.lambdaHost().sandboxProcesses();
        assertThat(after.get("DeleteOldKeyFunction"))
                .as("the same warm sandbox")
                .isEqualTo(warm.get("DeleteOldKeyFunction"));
        assertThat(after.get("ReportFunction"))
                .as("the same warm sandbox")
                .isEqualTo(warm.get("ReportFunction"));
        assertThat(stack.lambdaHost().credentials().temporaryKeysIssuedTo("DeleteOldKeyFunction"))
                .isGreaterThan(deleteKeys);
        assertThat(stack.lambdaHost().credentials().temporaryKeysIssuedTo("ReportFunction"))
                .isGreaterThan(reportKeys);
        // Other tests' refusals on purpose are left out (see notOnPurpose).
        assertThat(stack.lambdaHost().refusedAwsCalls().keySet())
                .as("calls signed with expired or unknown keys, or signed wrong")
                .filteredOn(FaithfulRuntimeTest::notOnPurpose)
                .isEmpty();
    }

    /**
     * Every AWS and Veryfi call stops in time by itself (see InvocationDeadline), and no call
     * starts that could not end before the timeout. What outlives it here is VerifyNewKey's wait
     * between two tries of a key Veryfi rejects: 40 s instead of 2 s, against a 32 s Timeout.
     */
    @Test
    void aFunctionThatOutlivesItsTimeoutIsStoppedAndTheRotationReportsIt() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        harness.veryfi.rejectNewKeys(account.clientId(), true);
        stack.lambdaHost().environmentOverride("VERIFY_RETRY_DELAY_MILLIS", "40000");
        int timeout = stack.lambdaHost().overrideTimeout("VerifyNewKeyFunction", 32);
        try {
            RotationHarness.Execution execution =
                    harness.run(account.secretId(), FAST, Duration.ofMinutes(2));

            assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(failedWith(execution, "Sandbox.Timedout"))
                    .as(execution.historyText())
                    .isEqualTo(1);
            JsonNode alert =
                    harness.awaitAlert(account.secretId(), "FAILED", Duration.ofSeconds(20));
            assertThat(alert.toString()).contains("Sandbox.Timedout");
            // the old key is untouched and still AWSCURRENT
            assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                    .contains(account.initialKeyId());
            assertThat(harness.credentials(account.secretId(), "AWSCURRENT").keyId())
                    .isEqualTo(account.initialKeyId());
        } finally {
            stack.lambdaHost().overrideTimeout("VerifyNewKeyFunction", timeout);
            stack.lambdaHost()
                    .environmentOverride(
                            "VERIFY_RETRY_DELAY_MILLIS",
                            RotationHarness.TUNING.get("VERIFY_RETRY_DELAY_MILLIS"));
            harness.veryfi.rejectNewKeys(account.clientId(), false);
        }
    }

    @Test
    void aCrashDuringInitFailsTheExecutionAndAlerts() {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        stack.lambdaHost()
                .injectInvokeFault("CreateKeyFunction", LambdaHost.InvokeFault.INIT_CRASH, 1);

        RotationHarness.Execution execution =
                harness.run(account.secretId(), FAST, Duration.ofMinutes(2));

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.statesEntered())
                .contains("CreateKey", "ReportFailure")
                .doesNotContain("VerifyNewKey");
        JsonNode alert = harness.awaitAlert(account.secretId(), "FAILED", Duration.ofSeconds(20));
        assertThat(alert.path("step").asText() + alert).contains("CreateKey");
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactly(account.initialKeyId());
    }

    /** How many Lambda task failures of the execution carry that error name. */
    private static long failedWith(RotationHarness.Execution execution, String error) {
        return execution.history().stream()
                .map(HistoryEvent::lambdaFunctionFailedEventDetails)
                .filter(d -> d != null && error.equals(d.error()))
                .count();
    }

    private static Map<String, String> environmentOf(long pid) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String entry :
                new String(
                                Files.readAllBytes(Path.of("/proc/" + pid + "/environ")),
                                StandardCharsets.UTF_8)
                        .split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    /**
     * A refusal no test asked for: identity-policy denials (ACCESS_DENIED: a consumer writing
     * another's check-in, a hostile operator) and SignaturesOnTheStackTest's forged signatures are.
     */
    private static boolean notOnPurpose(String refusal) {
        return !refusal.startsWith("ACCESS_DENIED")
                && !refusal.equals(
                        "BAD_SIGNATURE " + io.veryfikeys.aws.SignaturesOnTheStackTest.FORGER);
    }
}
