package io.veryfikeys.rotation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Plan step's input: the execution input as given, who is asking (from the context object), and
 * the template's settings, which the state machine definition carries ({@link DeploySettings}).
 * {@code checkOnly}: not from the state machine (its definition never sets it) but from {@code
 * veryfi-keys doctor}, which invokes the function directly: decide as for a run, change nothing,
 * and ask the consumers too ({@link Checkup}).
 */
public record PlanRequest(
        JsonNode input,
        String executionId,
        String stateMachineArn,
        JsonNode deploySettings,
        boolean checkOnly) {}
