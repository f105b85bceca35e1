package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deploy that changes a setting reaches the code that runs next (issue 12, item 6).
 *
 * <p>{@code LocalAwsStack.redeploy} applies new parameter values as CloudFormation would: state
 * machine definitions and SSM parameters change, while every function keeps the environment it was
 * first deployed with, because SAM publishes no new version for a changed parameter value (see
 * {@code DeployReadinessTemplateTest.aChangedParameterPublishesNoFunctionVersion}). Before the
 * settings moved out of the functions' environment, each assertion below saw the template's
 * defaults instead of the new values.
 */
class SettingsReachTheRunningCodeTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<RotationHarness.Execution> EXECUTIONS = new ArrayList<>();
    private static final String REGISTRY_PREFIX = "/settings-test/consumers";
    private static RotationHarness.Account fleetAccount;
    private static RotationHarness.Account outsidePrefix;

    @BeforeAll
    static void redeployWithEveryRotationSettingChanged() {
        fleetAccount = harness.accountUnder("veryfi/settings-test/", 1, Duration.ZERO);
        outsidePrefix = harness.account(0, Duration.ZERO);
        for (RotationHarness.Account a : List.of(fleetAccount, outsidePrefix)) {
            harness.tag(a.secretId(), "settings-test", "on");
        }
        Map<String, String> changed = new LinkedHashMap<>();
        changed.put("PollIntervalSeconds", "1"); // default 120
        changed.put("RequiredHealthyPolls", "2"); // default 3
        changed.put("PollTimeoutSeconds", "91"); // default 86400
        changed.put("GracePeriodSeconds", "1"); // default 3600
        changed.put("ConsumerRegistryPrefix", REGISTRY_PREFIX);
        // the fleet account is under the new prefix; the other account, tagged alike, is outside it
        changed.put("SecretNamePrefix", "veryfi/settings-test/");
        changed.put("RotationTagKey", "settings-test");
        changed.put("RotationTagValue", "on");
        changed.put("MaxConcurrency", "3");
        changed.put("KeysToKeepAfterReset", "2");
        stack.redeploy(changed);
    }

    @AfterAll
    static void restoreTheDefaults() {
        try {
            stack.redeploy(Map.of());
        } finally {
            harness.assertNoKeyLeaked(EXECUTIONS);
        }
    }

    /**
     * The registry lives only under the new prefix: read under the old one, Plan would find none
     * and fail.
     */
    private static void registryUnderTheNewPrefixOnly(RotationHarness.Account account) {
        String document =
                harness.ssm
                        .getParameter(
                                b -> b.name("/veryfi-key-rotation/consumers/" + account.secretId()))
                        .parameter()
                        .value();
        harness.ssm.putParameter(
                b ->
                        b.name(REGISTRY_PREFIX + "/" + account.secretId())
                                .type("String")
                                .value(document)
                                .overwrite(true));
        harness.ssm.deleteParameter(
                b -> b.name("/veryfi-key-rotation/consumers/" + account.secretId()));
    }

    private static JsonNode planOf(RotationHarness.Execution execution) throws Exception {
        return execution.history().stream()
                .filter(
                        e ->
                                e.stateExitedEventDetails() != null
                                        && e.stateExitedEventDetails().name().equals("Plan"))
                .map(
                        e -> {
                            try {
                                return JSON.readTree(e.stateExitedEventDetails().output())
                                        .path("plan");
                            } catch (Exception x) {
                                throw new IllegalStateException(x);
                            }
                        })
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theNextRotationPlansWithTheNewSettingsAndReadsTheRegistryUnderTheNewPrefix()
            throws Exception {
        RotationHarness.Account account = harness.account(1, Duration.ZERO);
        registryUnderTheNewPrefixOnly(account);

        RotationHarness.Execution execution =
                harness.run(account.secretId(), Map.of(), RotationScenariosTest.TIMEOUT);
        EXECUTIONS.add(execution);

        assertThat(execution.status())
                .as(execution.statesEntered().toString())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode plan = planOf(execution);
        assertThat(plan.path("settings").toString())
                .isEqualTo(
                        "{\"pollIntervalSeconds\":1,\"requiredHealthyPolls\":2,"
                                + "\"pollTimeoutSeconds\":91,\"gracePeriodSeconds\":1}");
        assertThat(plan.path("consumers").toString()).contains(account.consumer(0).name());
        assertThat(execution.statesEntered()).contains("Rotated");
    }

    @Test
    void theNextFleetRunDiscoversWithTheNewPrefixAndTagAndTheNewConcurrency() throws Exception {
        registryUnderTheNewPrefixOnly(fleetAccount);
        harness.stateMachine(
                "RotationStateMachine"); // what the fleet starts, deployed with the same parameters
        String arn =
                harness.sfn
                        .startExecution(
                                b ->
                                        b.stateMachineArn(harness.stateMachine("FleetStateMachine"))
                                                .input("{}"))
                        .executionArn();
        RotationHarness.Execution fleet = harness.await(arn, RotationScenariosTest.TIMEOUT);
        EXECUTIONS.add(fleet);

        assertThat(fleet.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = harness.output(arn);
        assertThat(output.path("discovery").path("maxConcurrency").asInt()).isEqualTo(3);
        List<String> listed = new ArrayList<>();
        output.path("accounts").forEach(a -> listed.add(a.get(0).asText()));
        assertThat(listed)
                .containsExactly(fleetAccount.secretId())
                .doesNotContain(outsidePrefix.secretId());
        assertThat(output.path("accounts").toString()).contains("SUCCEEDED");
    }

    @Test
    void theNextResetKeepsTheSpareKeyTheNewSettingAsksFor() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.veryfi.addKey(account.clientId()); // two live keys: the reset regenerates both

        RotationHarness.Invoked result =
                harness.invoke(
                        "ResetFunction",
                        "{\"secretId\":\""
                                + account.secretId()
                                + "\",\"reason\":\"settings test\",\"confirm\":\""
                                + account.secretId()
                                + "\",\"idempotencyToken\":\""
                                + UUID.randomUUID()
                                + "\"}");

        assertThat(result.functionError()).as(result.payload()).isNull();
        long spare = result.json().path("spareKeyId").asLong();
        assertThat(result.json().path("deletedKeyIds").size()).isZero();
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactlyInAnyOrder(result.json().path("newKeyId").asLong(), spare);
        assertThat(harness.keyIdsByStage(account.secretId())).containsEntry("AWSPENDING", spare);
        assertThat(
                        harness.awaitAlert(account.secretId(), "RESET", Duration.ofSeconds(10))
                                .has("settingsProblem"))
                .isFalse();
    }

    @Test
    void theConfirmFunctionReadsTheRegistryUnderTheNewPrefix() {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        harness.ssm.putParameter(
                b ->
                        b.name(REGISTRY_PREFIX + "/" + account.secretId())
                                .type("String")
                                .value(
                                        "{\"consumers\":[{\"name\":\"partner\",\"contract\":\"manual\"}]}"));

        RotationHarness.Invoked result =
                harness.invoke(
                        "ConfirmFunction",
                        "{\"secretId\":\""
                                + account.secretId()
                                + "\",\"consumer\":\"partner\",\"keyId\":"
                                + account.initialKeyId()
                                + ",\"confirmedBy\":\"settings test\"}");

        assertThat(result.functionError()).as(result.payload()).isNull();
        assertThat(result.json().path("confirmed").asBoolean()).isTrue();
    }
}
