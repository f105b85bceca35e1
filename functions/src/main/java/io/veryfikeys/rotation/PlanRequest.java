package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Plan step's input: the execution input as given, who is asking (from the context object),
 * and the template's settings, which the state machine definition carries ({@link DeploySettings}).
 */
public record PlanRequest(JsonNode input, String executionId, String stateMachineArn, JsonNode deploySettings) {
}
