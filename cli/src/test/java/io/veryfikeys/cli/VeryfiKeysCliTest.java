package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against the local stack (moto + the real handlers), a Veryfi simulator account and
 * simulated consumers, as an operator would use it after {@code ./run-demo --keep-running}.
 */
@ExtendWith(LocalAwsStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VeryfiKeysCliTest {
    static {
        System.setProperty("VERIFY_RETRY_DELAY_MILLIS", "100");
        System.setProperty("STORE_RETRY_BASE_MILLIS", "50");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "veryfi/cli-test";
    private static final String CLIENT = "vf_cli";
    private static final ByteArrayOutputStream HANDLER_LOGS = new ByteArrayOutputStream();
    private static final List<String> PRINTED = new ArrayList<>();

    private static LocalAwsStack stack;
    private static VeryfiSimulator veryfi;
    private static final List<SimulatedConsumer> consumers = new ArrayList<>();
    private static long firstKeyId;
    private static String rotationArn;

    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    @BeforeAll
    static void start(LocalAwsStack localStack) {
        stack = localStack;
        Log.redirect(new PrintStream(HANDLER_LOGS, true, StandardCharsets.UTF_8));
        veryfi = VeryfiSimulator.start(0);
        stack.localTestMode(veryfi.baseUrl());
        SimulatedKey key = veryfi.createAccount(CLIENT, "cli-bot", null);
        firstKeyId = key.id();
        ObjectNode secret = JSON.createObjectNode().put("clientId", CLIENT).put("username", "cli-bot")
                .put("apiKey", key.value()).put("apiKeyId", key.id()).put("baseUrl", veryfi.baseUrl().toString());
        stack.secretsManager().createSecret(b -> b.name(ACCOUNT).secretString(secret.toString())
                .tags(Tag.builder().key("veryfi-key-rotation").value("enabled").build()));
        for (int i = 0; i < 2; i++)
            consumers.add(SimulatedConsumer.start("cli-consumer-" + i, VeryfiKeysCliTest::current,
                    Duration.ofMillis(300 * i), Duration.ofMillis(100)));
        String registry = JSON.createObjectNode().set("consumers", JSON.valueToTree(consumers.stream()
                .map(c -> Map.of("name", c.name(), "healthUrl", c.healthUrl().toString())).toList())).toString();
        stack.client(SsmClient::builder).putParameter(b -> b.name("/veryfi-key-rotation/consumers/" + ACCOUNT)
                .type("String").value(registry).overwrite(true));
        stack.deployStateMachine("RotationStateMachine");
    }

    @AfterAll
    static void stop() {
        consumers.forEach(SimulatedConsumer::close);
        Log.redirect(null);
        if (veryfi != null) {
            // No key value the simulator ever issued was printed by the CLI.
            for (String value : veryfi.issuedKeyValues())
                assertThat(String.join("\n", PRINTED)).as("CLI output").doesNotContain(value);
            veryfi.close();
        }
    }

    private static SimulatedConsumer.Credentials current() {
        return SimulatedConsumer.Credentials.fromSecretString(ACCOUNT, stack.secretsManager()
                .getSecretValue(b -> b.secretId(ACCOUNT).versionStage("AWSCURRENT")).secretString());
    }

    private static Result cli(String... args) {
        String[] all = Stream.concat(Stream.of("--local", "--endpoint", stack.endpoint().toString()), Stream.of(args))
                .toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VeryfiKeysCli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        PRINTED.add(r.out());
        PRINTED.add(r.err());
        return r;
    }

    @Test
    @Order(1)
    void rotateFollowsTheExecutionToSuccess() {
        Result r = cli("rotate", ACCOUNT, "--poll-interval", "1", "--healthy-polls", "1", "--poll-timeout", "60",
                "--grace-period", "0");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Plan", "CreateKey", "VerifyNewKey", "Promote", "PollConsumers", "DeleteOldKey",
                "ReportSuccess", "SUCCEEDED");
        long newKeyId = veryfi.liveKeyIds(CLIENT).get(0);
        assertThat(newKeyId).isNotEqualTo(firstKeyId);
        assertThat(r.out()).contains("keys " + firstKeyId + " -> " + newKeyId);
        rotationArn = r.out().lines().filter(l -> l.contains("execution arn:")).findFirst().orElseThrow()
                .replaceAll(".*execution ", "").trim();
    }

    @Test
    @Order(2)
    void statusAfterTheRotationShowsTheNewKeyId() {
        long newKeyId = veryfi.liveKeyIds(CLIENT).get(0);

        Result text = cli("status", ACCOUNT);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("AWSCURRENT +key " + newKeyId + " ")
                .containsPattern("AWSPREVIOUS +key " + firstKeyId + " ")
                .containsPattern("AWSPENDING +-")
                .contains("last run", "SUCCEEDED").containsPattern("running +none");

        Result json = cli("status", "--json");   // no account: every secret tagged for rotation
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode account = json.json().path("accounts").get(0);
        assertThat(account.path("account").asText()).isEqualTo(ACCOUNT);
        assertThat(account.path("stages").get(0).path("stage").asText()).isEqualTo("AWSCURRENT");
        assertThat(account.path("stages").get(0).path("keyId").asLong()).isEqualTo(newKeyId);
        assertThat(account.path("lastRotation").path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(account.path("lastRotation").path("newKeyId").asLong()).isEqualTo(newKeyId);
        assertThat(account.path("running")).isEmpty();
    }

    @Test
    @Order(3)
    void historyListsTheExecution() {
        Result text = cli("history", ACCOUNT);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("START", "OUTCOME", rotationArn.substring(rotationArn.lastIndexOf(':') + 1),
                "SUCCEEDED");

        Result json = cli("history", ACCOUNT, "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode executions = json.json().path("executions");
        assertThat(executions).hasSize(1);
        assertThat(executions.get(0).path("executionArn").asText()).isEqualTo(rotationArn);
        assertThat(executions.get(0).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(executions.get(0).path("start").asText()).isNotEmpty();
        assertThat(executions.get(0).path("stop").asText()).isNotEmpty();
    }

    @Test
    @Order(4)
    void resetRefusesWithoutTheConfirmation() {
        List<Long> before = veryfi.liveKeyIds(CLIENT);
        int invoked = stack.lambdaHost().invocationCount("ResetFunction");

        Result missing = cli("reset", ACCOUNT, "--reason", "test");
        Result wrong = cli("reset", ACCOUNT, "--reason", "test", "--confirm", "veryfi/other");
        Result noReason = cli("reset", ACCOUNT, "--confirm", ACCOUNT);

        for (Result r : List.of(missing, wrong, noReason)) {
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertThat(missing.err()).contains("refused", "--confirm " + ACCOUNT);
        assertThat(noReason.err()).contains("--reason");
        assertThat(stack.lambdaHost().invocationCount("ResetFunction")).isEqualTo(invoked);
        assertThat(veryfi.liveKeyIds(CLIENT)).isEqualTo(before);
    }

    @Test
    @Order(5)
    void resetWithTheConfirmationInvokesTheFunction() {
        long before = veryfi.liveKeyIds(CLIENT).get(0);

        Result r = cli("reset", ACCOUNT, "--reason", "CLI test incident", "--confirm", ACCOUNT, "--json");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        long newKeyId = r.json().path("newKeyId").asLong();
        assertThat(newKeyId).isNotEqualTo(before);
        assertThat(veryfi.liveKeyIds(CLIENT)).containsExactly(newKeyId);
        assertThat(cli("status", ACCOUNT).out()).containsPattern("AWSCURRENT +key " + newKeyId + " ");
        // The published version behind the live alias (SnapStart), never $LATEST.
        List<String> qualifiers = stack.lambdaHost().invokedQualifiers("ResetFunction");
        assertThat(qualifiers.get(qualifiers.size() - 1)).isEqualTo("live");
    }

    @Test
    @Order(6)
    void aRotationThatFailsExitsOne() {
        String orphan = "veryfi/cli-no-registry";
        stack.secretsManager().createSecret(b -> b.name(orphan).secretString(JSON.createObjectNode()
                .put("clientId", CLIENT).put("username", "cli-bot").put("apiKey", "unused").put("apiKeyId", 1)
                .put("baseUrl", veryfi.baseUrl().toString()).toString()));

        Result r = cli("rotate", orphan, "--json");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(r.err().lines().count()).isEqualTo(1);
        // A missing consumer registry stops the plan: nothing is rotated, and since running it again
        // unchanged would fail the same way, the outcome is BLOCKED (a configuration problem).
        assertThat(r.err()).contains("ended BLOCKED");
        assertThat(r.json().path("outcome").asText()).isEqualTo("BLOCKED");
        assertThat(r.json().path("states").toString()).contains("Plan", "ReportFailure", "BlockedByConfiguration")
                .doesNotContain("CreateKey");
        assertThat(cli("history", orphan).out()).contains("BLOCKED");
    }

    @Test
    void awsErrorsExitThreeWithOneLine() {
        Result unknown = cli("status", "veryfi/does-not-exist");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(unknown.err().lines().count()).isEqualTo(1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VeryfiKeysCli.run(new String[]{"history", ACCOUNT, "--local", "--endpoint", "http://127.0.0.1:1"},
                new PrintStream(out), new PrintStream(err));
        assertThat(code).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(err.toString()).startsWith("error: AWS call failed").hasLineCount(1);
    }
}
