package io.veryfikeys.support;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.confirm.ConfirmRequest;
import io.veryfikeys.consumers.Consumer;
import io.veryfikeys.consumers.Contract;
import io.veryfikeys.fleet.FleetReport;
import io.veryfikeys.fleet.FleetReportHandler;
import io.veryfikeys.reset.ResetRequest;
import io.veryfikeys.rotation.Outcome;
import io.veryfikeys.rotation.PlanAction;
import io.veryfikeys.rotation.PlanRequest;
import io.veryfikeys.rotation.RevertHandler;
import io.veryfikeys.rotation.RotationReport;
import io.veryfikeys.rotation.RotationState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JsonRecords reads our payloads and writes them byte for byte as databind did, configured as the
 * functions had it (the annotations they carried are given back here as mix-ins).
 */
class JsonRecordsTest {
    private static final ObjectMapper DATABIND =
            Json.MAPPER
                    .copy()
                    .addMixIn(Contract.class, ContractAsItWas.class)
                    .addMixIn(RotationReport.Message.class, MessageAsItWas.class)
                    .addMixIn(FleetReport.Result.class, ResultAsItWas.class);

    abstract static class ContractAsItWas {
        @JsonValue
        abstract String word();

        @JsonCreator
        static Contract fromJson(String word) {
            return Contract.of(word).orElseThrow();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract static class MessageAsItWas {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    abstract static class ResultAsItWas {}

    @ParameterizedTest
    @CsvSource({
        "plan.json, io.veryfikeys.rotation.PlanRequest",
        "create-key.json, io.veryfikeys.rotation.RotationState",
        "verify-new-key.json, io.veryfikeys.rotation.RotationState",
        "promote.json, io.veryfikeys.rotation.RotationState",
        "poll-consumers.json, io.veryfikeys.rotation.RotationState",
        "delete-old-key.json, io.veryfikeys.rotation.RotationState",
        "revert-demote.json, io.veryfikeys.rotation.RevertHandler$Request",
        "revert-discard.json, io.veryfikeys.rotation.RevertHandler$Request",
        "report.json, io.veryfikeys.rotation.RotationReport$Request",
        "reset.json, io.veryfikeys.reset.ResetRequest",
        "confirm.json, io.veryfikeys.confirm.ConfirmRequest",
        "fleet-report.json, io.veryfikeys.fleet.FleetReportHandler$Request"
    })
    void everySampleEventReadsAndWritesAsDatabindDid(String file, String typeName)
            throws Exception {
        Class<?> type = Class.forName(typeName);
        byte[] json = Files.readAllBytes(Path.of("..", "events", file));

        Object ours = JsonRecords.read(JsonTree.parse(json), type, true);
        Object theirs =
                DATABIND.readerFor(type)
                        .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(json);

        assertThat(ours).isEqualTo(theirs);
        assertThat(JsonRecords.text(ours)).isEqualTo(DATABIND.writeValueAsString(theirs));
    }

    @Test
    void answersWithRecordsEnumsUrisTreesAndNullsWriteAsDatabindWroteThem() throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("consumers", List.of(new Consumer("payroll", URI.create("https://p/h"))));
        answer.put("checkIn", new Consumer("hr", Contract.CHECK_IN, null, 600, "hr-1"));
        answer.put("plan", PlanAction.ROTATE);
        answer.put("ids", List.of(1L, 2L));
        answer.put("count", 3);
        answer.put("ratio", 0.25);
        answer.put("flag", true);
        answer.put("nothing", null);
        answer.put("tree", JsonTree.parse("{\"a\":[1,\"b\",null]}"));
        answer.put("nested", Map.of("k", List.of(Map.of("v", "w"))));
        answer.put(
                "message",
                new RotationReport.Message(
                        "veryfi/a",
                        Outcome.FAILED,
                        "stopped",
                        null,
                        null,
                        null,
                        "exec",
                        null,
                        null,
                        null,
                        1L,
                        null,
                        List.of("hr"),
                        null,
                        null,
                        2,
                        null,
                        null));
        answer.put("missingState", new RotationReport.Request(Outcome.SUCCEEDED, "e", null));

        assertThat(JsonRecords.text(answer)).isEqualTo(DATABIND.writeValueAsString(answer));
        // Indented for an email: the same JSON as the compact text, one member a line.
        String pretty = JsonRecords.prettyText(answer);
        assertThat(DATABIND.readTree(pretty))
                .isEqualTo(DATABIND.readTree(DATABIND.writeValueAsString(answer)));
        assertThat(pretty).startsWith("{\n  \"").contains("\n    \"result\": \"FAILED\"");
        assertThat(JsonRecords.text(answer))
                .contains("\"contract\":\"check-in\"")
                .contains("\"message\":{\"account\":\"veryfi/a\",\"result\":\"FAILED\"");
    }

    @Test
    void missingAndNullMembersReadAsDatabindReadThem() throws Exception {
        String json = "{\"secretId\":\"veryfi/a\",\"verified\":null,\"poll\":{}}";

        RotationState ours = JsonRecords.read(JsonTree.parse(json), RotationState.class);
        RotationState theirs = DATABIND.readValue(json, RotationState.class);

        assertThat(ours).isEqualTo(theirs);
        assertThat(ours.verified().isNull()).isTrue();
        assertThat(ours.deleted()).isNull();
        assertThat(ours.poll().startedAtMillis()).isZero();
    }

    @Test
    void textIsReadWhereANumberIsExpectedAndANumberWhereTextIs() throws Exception {
        String json = "{\"secretId\":7,\"keyId\":\"42\",\"consumer\":true}";

        assertThat(JsonRecords.read(JsonTree.parse(json), ConfirmRequest.class))
                .isEqualTo(DATABIND.readValue(json, ConfirmRequest.class))
                .isEqualTo(new ConfirmRequest("7", "true", 42L, null));
    }

    @Test
    void aStrictReaderRefusesAnUnknownFieldNamingTheFieldsItKnows() {
        String json = "{\"secretId\":\"veryfi/a\",\"reasn\":\"typo\"}";

        assertThatThrownBy(() -> JsonRecords.read(JsonTree.parse(json), ResetRequest.class, true))
                .isInstanceOfSatisfying(
                        JsonRecords.UnknownField.class,
                        e -> {
                            assertThat(e.name()).isEqualTo("reasn");
                            assertThat(e.known())
                                    .containsExactly(
                                            "account",
                                            "confirm",
                                            "idempotencyToken",
                                            "reason",
                                            "requestedBy",
                                            "secretId");
                        });
    }

    @Test
    void aStrictReaderStillIgnoresWhatAStepFunctionsCatchAddsToAResult() throws Exception {
        String json =
                "{\"runId\":\"r\",\"results\":[{\"Error\":\"States.TaskFailed\",\"Cause\":\"x\"}]}";

        FleetReportHandler.Request request =
                JsonRecords.read(JsonTree.parse(json), FleetReportHandler.Request.class, true);

        assertThat(request.results())
                .containsExactly(new FleetReport.Result(null, null, null, "States.TaskFailed"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"state\":{\"plan\":\"x\"}}| $.state.plan",
                "{\"state\":{\"plan\":{\"knownKeyIds\":[1,\"two\"]}}}| $.state.plan.knownKeyIds[1]",
                "{\"outcome\":\"WON\"}| $.outcome",
                "{\"state\":{\"plan\":{\"consumers\":[{\"contract\":\"carrier-pigeon\"}]}}}|"
                        + " $.state.plan.consumers[0].contract",
                "{\"state\":[]}| $.state",
                "{\"state\":{\"poll\":{\"polls\":3000000000}}}| $.state.poll.polls",
                "{\"state\":{\"plan\":{\"currentKeyId\":1e30}}}| $.state.plan.currentKeyId",
                "[]| $"
            })
    void inputThatDoesNotFitSaysWhereAndNeverWhat(String json, String path) {
        assertThatThrownBy(
                        () -> JsonRecords.read(JsonTree.parse(json), RotationReport.Request.class))
                .isInstanceOfSatisfying(
                        JsonRecords.Mismatch.class, e -> assertThat(e.path()).isEqualTo(path))
                .message()
                .doesNotContain("two", "WON", "carrier-pigeon");
    }

    @Test
    void aTypeWithoutAJsonFormIsRefusedNotGuessed() {
        record Stamped(Instant at) {}

        assertThatThrownBy(() -> JsonRecords.text(new Stamped(Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.time.Instant");
        assertThatThrownBy(
                        () ->
                                JsonRecords.read(
                                        JsonTree.parse("{\"at\":\"1970-01-01T00:00:00Z\"}"),
                                        Stamped.class))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTreeOfARecordIsWhatItsTextParsesTo() throws Exception {
        PlanRequest request =
                new PlanRequest(JsonTree.parse("{\"force\":true}"), "e", "arn", null, true);

        assertThat(JsonTree.parse(JsonRecords.bytes(request)))
                .isEqualTo(DATABIND.valueToTree(request));
        assertThat(new RevertHandler.Request("demote", null))
                .isEqualTo(
                        JsonRecords.read(
                                JsonTree.parse("{\"phase\":\"demote\"}"),
                                RevertHandler.Request.class));
    }
}
