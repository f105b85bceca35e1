package io.veryfikeys.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's lifecycle events, as an EventBridge rule's target receives them: the functions run in
 * their sandboxes and put the events on moto's default bus over the wire (PutEvents, signed with
 * the sandbox's own credentials and allowed by its template policy), and a rule matching the
 * stack's source sends them to an SQS queue the test reads. The sequence of each story is the
 * README's (Lifecycle events); no event carries a key value (the leak scan covers them).
 */
class LifecycleEventsOnTheStackTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<RotationHarness.Execution> executions = new ArrayList<>();

    /**
     * The fleet's schedule rule sits on the same default bus, as deployed: a rule with only a
     * schedule must not take the events (moto's did, and failed PutEvents: MotoServer's patch).
     */
    @org.junit.jupiter.api.BeforeEach
    void theFleetScheduleRuleIsOnTheBus() {
        harness.stateMachine("FleetStateMachine");
        assertThat(
                        harness
                                .stack
                                .events()
                                .listRules(r -> r.eventBusName("default"))
                                .rules()
                                .stream()
                                .anyMatch(r -> r.scheduleExpression() != null))
                .isTrue();
    }

    @AfterEach
    void noKeyValueLeaked() {
        harness.assertNoKeyLeaked(executions);
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("detail-type").asText()).toList();
    }

    @Test
    void aSuccessfulRotationAnnouncesEachStepInOrderWithItsKeyIds() {
        RotationHarness.Account account = harness.account(1, Duration.ofMillis(200));
        long oldKey = account.initialKeyId();

        RotationHarness.Execution execution =
                harness.run(account.secretId(), RotationScenariosTest.FAST, Duration.ofSeconds(90));
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        long newKey = harness.keyIdsByStage(account.secretId()).get("AWSCURRENT");

        List<JsonNode> events =
                harness.awaitLifecycle(
                        account.secretId(), "Rotation Succeeded", Duration.ofSeconds(10));
        assertThat(types(events))
                .containsExactlyElementsOf(RotationHarness.ROTATION_SUCCEEDED_EVENTS);
        assertThat(events)
                .allSatisfy(
                        e -> {
                            assertThat(e.path("source").asText()).isEqualTo(harness.eventSource());
                            assertThat(e.path("source").asText())
                                    .isEqualTo("veryfi-key-rotation.local");
                            assertThat(e.path("resources").toString())
                                    .isEqualTo("[\"" + execution.arn() + "\"]");
                            assertThat(e.path("detail").path("schemaVersion").asInt()).isEqualTo(1);
                            assertThat(e.path("detail").path("executionId").asText())
                                    .isEqualTo(execution.arn());
                        });
        JsonNode started = events.get(0).path("detail");
        assertThat(started.path("action").asText()).isEqualTo("ROTATE");
        assertThat(started.path("currentKeyId").asLong()).isEqualTo(oldKey);
        assertThat(events.get(1).path("detail").path("newKeyId").asLong()).isEqualTo(newKey);
        assertThat(events.get(2).path("detail").path("consumersVerified").toString())
                .contains(account.consumer(0).name());
        JsonNode deleted = events.get(3).path("detail");
        assertThat(deleted.path("oldKeyId").asLong()).isEqualTo(oldKey);
        assertThat(deleted.path("newKeyId").asLong()).isEqualTo(newKey);
        JsonNode succeeded = events.get(4).path("detail");
        assertThat(succeeded.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(succeeded.path("oldKeyId").asLong()).isEqualTo(oldKey);
        assertThat(succeeded.path("newKeyId").asLong()).isEqualTo(newKey);
        assertThat(succeeded.has("error")).as("nothing failed").isFalse();
    }

    @Test
    void aRevertedRotationAnnouncesTheStartTheKeyAndTheRevertButNoMove() {
        RotationHarness.Account account = harness.account(2, Duration.ofMillis(200));
        long oldKey = account.initialKeyId();
        account.consumer(0).unhealthyWhenUsing(id -> id != oldKey);

        RotationHarness.Execution execution =
                harness.run(account.secretId(), RotationScenariosTest.FAST, Duration.ofSeconds(90));
        executions.add(execution);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);

        List<JsonNode> events =
                harness.awaitLifecycle(
                        account.secretId(), "Rotation Reverted", Duration.ofSeconds(10));
        assertThat(types(events))
                .containsExactly("Rotation Started", "Key Created", "Rotation Reverted");
        long discarded = events.get(1).path("detail").path("newKeyId").asLong();
        JsonNode reverted = events.get(2).path("detail");
        assertThat(reverted.path("outcome").asText()).isEqualTo("REVERTED");
        assertThat(reverted.path("oldKeyId").asLong()).isEqualTo(oldKey);
        assertThat(reverted.path("newKeyId").asLong()).isEqualTo(discarded);
        assertThat(harness.veryfi.liveKeyIds(account.clientId())).containsExactly(oldKey);
    }

    @Test
    void aResetAnnouncesItsNewKeyOnceAndTheSameRequestAgainAnnouncesNothing() throws Exception {
        RotationHarness.Account account = harness.account(0, Duration.ZERO);
        long oldKey = account.initialKeyId();
        String request =
                JSON.writeValueAsString(
                        Map.of(
                                "secretId",
                                account.secretId(),
                                "reason",
                                "lifecycle events test",
                                "confirm",
                                account.secretId(),
                                "idempotencyToken",
                                "events-" + UUID.randomUUID()));

        RotationHarness.Invoked result = harness.invoke("ResetFunction", request);
        assertThat(result.functionError()).as(result.payload()).isNull();
        RotationHarness.Invoked again = harness.invoke("ResetFunction", request);
        assertThat(again.json().path("alreadyDone").asBoolean())
                .as("the same request again does nothing")
                .isTrue();
        long newKey = harness.keyIdsByStage(account.secretId()).get("AWSCURRENT");

        List<JsonNode> events =
                harness.awaitLifecycle(
                        account.secretId(), "Reset Performed", Duration.ofSeconds(10));
        RotationHarness.sleep(300); // a second event, if one were sent, would be here by now
        events = harness.lifecycleFor(account.secretId());
        assertThat(types(events)).containsExactly("Reset Performed");
        JsonNode reset = events.getFirst();
        assertThat(reset.path("resources").isEmpty()).as("a reset has no execution").isTrue();
        JsonNode detail = reset.path("detail");
        assertThat(detail.path("newKeyId").asLong()).isEqualTo(newKey);
        assertThat(detail.path("previousKeyId").asLong()).isEqualTo(oldKey);
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .as("Veryfi's reset regenerated every key: the previous one is dead")
                .doesNotContain(oldKey)
                .contains(newKey);
        assertThat(detail.path("deletedKeyIds"))
                .as("the surplus keys the reset deleted, as its answer lists them")
                .isEqualTo(result.json().path("deletedKeyIds"));
        assertThat(detail.path("versionId").asText()).isNotBlank();
        assertThat(detail.has("executionId")).isFalse();
    }
}
