package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.stack.RotationHarness;

import java.util.Map;

/**
 * States that no rotation execution produced, shaped to get past every check a step made before
 * issue 20 (the versions and keys are the account's real ones), as someone who may invoke the step
 * functions directly would send them. Each names an execution of this stack's rotation state
 * machine that does not exist.
 */
final class ForgedStates {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForgedStates() {}

    /** Function name → payload, for CreateKey, Promote, DeleteOldKey and Revert's discard. */
    static Map<String, String> against(RotationHarness harness, RotationHarness.Account account) {
        String stateMachine = harness.stateMachine("RotationStateMachine");
        String execution =
                stateMachine.replaceFirst(":stateMachine:", ":execution:")
                        + ":forged-"
                        + System.nanoTime();
        String current =
                harness
                        .secrets
                        .describeSecret(b -> b.secretId(account.secretId()))
                        .versionIdsToStages()
                        .entrySet()
                        .stream()
                        .filter(e -> e.getValue().contains("AWSCURRENT"))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
        long key = harness.credentials(account.secretId(), "AWSCURRENT").keyId();
        ObjectNode plan =
                JSON.createObjectNode()
                        .put("action", "ROTATE")
                        .put("reason", "forged")
                        .put("secretId", account.secretId())
                        .put("versionId", "00000000-0000-3000-8000-00000000f04d")
                        .put("currentVersionId", current)
                        .put("currentKeyId", key)
                        .put("staleKeyId", key)
                        .put("executionId", execution);
        plan.putArray("knownKeyIds").add(key);
        plan.putArray("consumers");
        plan.putObject("settings")
                .put("pollIntervalSeconds", 1)
                .put("requiredHealthyPolls", 1)
                .put("pollTimeoutSeconds", 60)
                .put("gracePeriodSeconds", 0);
        ObjectNode created =
                JSON.createObjectNode()
                        .put("versionId", "00000000-0000-3000-8000-00000000f04d")
                        .put("newKeyId", key);
        ObjectNode rollout =
                JSON.createObjectNode()
                        .put("newKeyId", key)
                        .put("oldKeyId", key + 1000)
                        .put("newVersionId", current)
                        .put("oldVersionId", "00000000-0000-3000-8000-00000000f04e");

        ObjectNode create = JSON.createObjectNode().put("secretId", account.secretId());
        create.set("plan", plan);
        ObjectNode promote = create.deepCopy();
        promote.set("created", created);
        ObjectNode delete = create.deepCopy();
        delete.set("rollout", rollout);
        ObjectNode discard = JSON.createObjectNode().put("phase", "discard");
        discard.set("state", promote.deepCopy());
        return Map.of(
                "CreateKeyFunction",
                create.toString(),
                "PromoteFunction",
                promote.toString(),
                "DeleteOldKeyFunction",
                delete.toString(),
                "RevertFunction",
                discard.toString());
    }
}
