package io.veryfikeys.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.reset.AccountReset;
import io.veryfikeys.reset.ResetRequest;
import io.veryfikeys.rotation.DeploySettings;
import io.veryfikeys.rotation.PlanRequest;
import io.veryfikeys.rotation.RevertHandler;
import io.veryfikeys.rotation.RotationReport;
import io.veryfikeys.rotation.RotationSettings;
import io.veryfikeys.rotation.RotationState;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in events/ is what its function (or state machine) accepts, so the samples cannot rot.
 */
class SampleEventsTest {
    private static final Path EVENTS = Path.of("..", "events");

    /**
     * Read as the functions read their input (JsonRecords), and as strictly as a reader can be: a
     * sample with a misspelled or stale field fails here instead of rotting.
     */
    private static Object strict(JsonNode sample, Class<?> type) {
        return type == JsonNode.class ? sample : JsonRecords.read(sample, type, true);
    }

    private static JsonNode tree(String name) throws IOException {
        return JsonTree.parse(Files.readAllBytes(EVENTS.resolve(name)));
    }

    private static final Map<String, Class<?>> INPUT_TYPES =
            Map.ofEntries(
                    Map.entry("plan.json", PlanRequest.class),
                    Map.entry("create-key.json", RotationState.class),
                    Map.entry("verify-new-key.json", RotationState.class),
                    Map.entry("promote.json", RotationState.class),
                    Map.entry("poll-consumers.json", RotationState.class),
                    Map.entry("delete-old-key.json", RotationState.class),
                    Map.entry("revert-demote.json", RevertHandler.Request.class),
                    Map.entry("revert-discard.json", RevertHandler.Request.class),
                    Map.entry("report.json", RotationReport.Request.class),
                    Map.entry("list-accounts.json", JsonNode.class),
                    Map.entry("reset.json", ResetRequest.class),
                    Map.entry("confirm.json", io.veryfikeys.confirm.ConfirmRequest.class),
                    Map.entry("rotation-execution.json", JsonNode.class),
                    Map.entry("rotation-execution-urgent.json", JsonNode.class),
                    Map.entry("fleet-execution.json", JsonNode.class),
                    Map.entry("fleet-execution-chosen-accounts.json", JsonNode.class),
                    Map.entry("fleet-execution-dry-run.json", JsonNode.class),
                    Map.entry(
                            "fleet-report.json",
                            io.veryfikeys.fleet.FleetReportHandler.Request.class));

    @Test
    void everySampleEventParsesAsItsFunctionsInput() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String name = file.getFileName().toString();
                assertThat(INPUT_TYPES).as("events/%s has no known target", name).containsKey(name);
                Object event = strict(tree(name), INPUT_TYPES.get(name));
                assertThat(event).as(name).isNotNull();
                if (event instanceof RotationState state) {
                    assertThat(state.plan()).as("%s has a plan", name).isNotNull();
                }
            }
        }
    }

    /**
     * The check above can fail: the same samples with one field misspelled are refused, each naming
     * the field.
     */
    @Test
    void aSampleWithAMisspelledFieldIsRefused() throws IOException {
        int typed = 0;
        for (Map.Entry<String, Class<?>> e : INPUT_TYPES.entrySet()) {
            if (e.getValue() == JsonNode.class) continue;
            com.fasterxml.jackson.databind.node.ObjectNode sample =
                    (com.fasterxml.jackson.databind.node.ObjectNode) tree(e.getKey());
            String field = sample.fieldNames().next();
            sample.set(field + "x", sample.remove(field));
            assertThat(
                            org.assertj.core.api.Assertions.catchThrowable(
                                    () -> strict(sample, e.getValue())))
                    .as("%s with %sx", e.getKey(), field)
                    .isInstanceOf(JsonRecords.UnknownField.class)
                    .extracting(t -> ((JsonRecords.UnknownField) t).name())
                    .isEqualTo(field + "x");
            typed++;
        }
        assertThat(typed).isGreaterThanOrEqualTo(10);
    }

    /**
     * The step samples carry the settings exactly as the state machines pass them (template
     * defaults).
     */
    @Test
    void thePlanAndListAccountsSamplesCarryTheDeploySettings() throws IOException {
        PlanRequest plan = JsonRecords.read(tree("plan.json"), PlanRequest.class);
        assertThat(DeploySettings.from(plan.deploySettings()))
                .isEqualTo(
                        new DeploySettings(
                                new RotationSettings(120, 3, 86400, 3600),
                                "/veryfi-key-rotation/consumers",
                                "veryfi/",
                                10));
        JsonNode list = tree("list-accounts.json");
        assertThat(list.path("input").isObject()).isTrue();
        assertThat(list.path("deploySettings").path("maxConcurrency").asText()).isEqualTo("1000");
        assertThat(list.path("deploySettings").path("veryfiRequestsPerSecond").asText())
                .isEqualTo("10");
    }

    @Test
    void theResetSampleIsAValidConfirmedRequest() throws IOException {
        ResetRequest request = JsonRecords.read(tree("reset.json"), ResetRequest.class);
        assertThat(AccountReset.validate(request)).isEqualTo(request.secretId());
    }
}
