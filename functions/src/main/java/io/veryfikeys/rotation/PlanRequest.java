package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;

/** The Plan step's input: the execution input as given, and who is asking (from the context object). */
public record PlanRequest(JsonNode input, String executionId, String stateMachineArn) {
}
