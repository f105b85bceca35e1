package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.cli.CliRunner.Result;
import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.simulator.SimulatedConsumer;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private static final CliRunner CLI = new CliRunner();

    private static LocalAwsStack stack;
    private static VeryfiSimulator veryfi;
    private static final List<SimulatedConsumer> consumers = new ArrayList<>();
    private static long firstKeyId;
    private static String rotationArn;

    @BeforeAll
    static void start(LocalAwsStack localStack) {
        stack = localStack;
        Log.redirect(new PrintStream(HANDLER_LOGS, true, StandardCharsets.UTF_8));
        veryfi = VeryfiSimulator.start(0);
        stack.localTestMode(veryfi.baseUrl());
        firstKeyId = LocalAccounts.create(stack, veryfi, ACCOUNT, CLIENT, "cli-bot").id();
        for (int i = 0; i < 2; i++)
            consumers.add(
                    SimulatedConsumer.start(
                            "cli-consumer-" + i,
                            VeryfiKeysCliTest::current,
                            Duration.ofMillis(300 * i),
                            Duration.ofMillis(100)));
        LocalAccounts.registry(stack, ACCOUNT, consumers);
        stack.deployStateMachine("RotationStateMachine");
    }

    @AfterAll
    static void stop() {
        // Issue 19's acceptance: no error line longer than 200 characters without --debug.
        assertThat(CLI.errorLines)
                .isNotEmpty()
                .allSatisfy(
                        line ->
                                assertThat(line.length())
                                        .as(line)
                                        .isLessThanOrEqualTo(CliErrors.MAX_LINE));
        consumers.forEach(SimulatedConsumer::close);
        Log.redirect(null);
        if (veryfi != null) {
            // No key value the simulator ever issued was printed by the CLI.
            for (String value : veryfi.issuedKeyValues())
                assertThat(String.join("\n", CLI.printed)).as("CLI output").doesNotContain(value);
            veryfi.close();
        }
    }

    private static SimulatedConsumer.Credentials current() {
        return LocalAccounts.current(stack, ACCOUNT);
    }

    private static Result cli(String... args) {
        return CLI.local(stack.endpoint(), args);
    }

    @Test
    @Order(1)
    void rotateFollowsTheExecutionToSuccess() {
        Result r =
                cli(
                        "rotate",
                        ACCOUNT,
                        "--poll-interval",
                        "1",
                        "--healthy-polls",
                        "1",
                        "--poll-timeout",
                        "60",
                        "--grace-period",
                        "0");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains(
                        "Plan",
                        "CreateKey",
                        "VerifyNewKey",
                        "Promote",
                        "PollConsumers",
                        "DeleteOldKey",
                        "ReportSuccess",
                        "SUCCEEDED");
        long newKeyId = veryfi.liveKeyIds(CLIENT).get(0);
        assertThat(newKeyId).isNotEqualTo(firstKeyId);
        assertThat(r.out()).contains("keys " + firstKeyId + " -> " + newKeyId);
        rotationArn =
                r.out()
                        .lines()
                        .filter(l -> l.contains("execution arn:"))
                        .findFirst()
                        .orElseThrow()
                        .replaceAll(".*execution ", "")
                        .trim();
    }

    @Test
    @Order(2)
    void statusAfterTheRotationShowsTheNewKeyId() {
        long newKeyId = veryfi.liveKeyIds(CLIENT).get(0);

        Result text = cli("status", ACCOUNT);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out())
                .containsPattern("AWSCURRENT +key " + newKeyId + " ")
                .containsPattern("AWSPREVIOUS +key " + firstKeyId + " ")
                .containsPattern("AWSPENDING +-")
                .contains("last run", "SUCCEEDED")
                .containsPattern(
                        "key age +OK: current key \\d+ (s|min) old, maximum 90 days \\(stack default\\)")
                .containsPattern("running +none");

        Result json = cli("status", "--json"); // no account: every secret tagged for rotation
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode account = json.json().path("accounts").get(0);
        assertThat(account.path("account").asText()).isEqualTo(ACCOUNT);
        assertThat(account.path("stages").get(0).path("stage").asText()).isEqualTo("AWSCURRENT");
        assertThat(account.path("stages").get(0).path("keyId").asLong()).isEqualTo(newKeyId);
        assertThat(account.path("lastRotation").path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(account.path("lastRotation").path("newKeyId").asLong()).isEqualTo(newKeyId);
        assertThat(account.path("running")).isEmpty();
        assertThat(account.path("keyAge").path("status").asText()).isEqualTo("OK");
        assertThat(account.path("keyAge").path("maxKeyAgeDays").asInt()).isEqualTo(90);
    }

    @Test
    @Order(3)
    void historyListsTheExecution() {
        Result text = cli("history", ACCOUNT);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out())
                .contains(
                        "START",
                        "OUTCOME",
                        rotationArn.substring(rotationArn.lastIndexOf(':') + 1),
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

    /**
     * Issue 17: the key-age evidence for an audit. The account's key was stored minutes ago, so it
     * is compliant now and 91 days on; judged as of 100 days on it is over the stack default (90),
     * until the account's tag allows 120 days. A tag it cannot read is a finding, not a pass.
     */
    @Test
    @Order(3)
    void complianceJudgesEveryCurrentKeyAgainstItsMaximumAge() throws Exception {
        Instant inHundredDays = Instant.now().plus(Duration.ofDays(100).plusHours(1));

        Result now = cli("compliance", ACCOUNT);
        assertThat(now.exitCode()).as(now.err()).isZero();
        assertThat(now.out())
                .containsPattern(ACCOUNT + " +\\d+ +0 days +90 days +stack default +OK")
                .contains("1 account(s) as of", "1 compliant, 0 not");

        Result later = cli("compliance", ACCOUNT, "--as-of", inHundredDays.toString());
        assertThat(later.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(later.out())
                .containsPattern(ACCOUNT + " +\\d+ +100 days +90 days +stack default +OVER")
                .contains("older than the 90 allowed", "0 compliant, 1 not");

        Result json = cli("compliance", ACCOUNT, "--as-of", inHundredDays.toString(), "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.path("compliant").asBoolean()).isFalse();
        JsonNode entry = report.path("accounts").get(0);
        assertThat(entry.path("account").asText()).isEqualTo(ACCOUNT);
        assertThat(entry.path("status").asText()).isEqualTo("OVER");
        assertThat(entry.path("ageDays").asLong()).isEqualTo(100);
        assertThat(entry.path("maxKeyAgeDays").asInt()).isEqualTo(90);
        assertThat(entry.path("keyId").asLong())
                .isEqualTo(LocalAccounts.current(stack, ACCOUNT).keyId());

        tag("veryfi-key-rotation:max-key-age-days", "120");
        try {
            Result allowed = cli("compliance", ACCOUNT, "--as-of", inHundredDays.toString());
            assertThat(allowed.exitCode()).as(allowed.out()).isZero();
            assertThat(allowed.out())
                    .contains("120 days", "tag veryfi-key-rotation:max-key-age-days");

            tag("veryfi-key-rotation:max-key-age-days", "soon");
            Result unreadable = cli("compliance", ACCOUNT);
            assertThat(unreadable.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
            assertThat(unreadable.out()).contains("BAD_POLICY", "got 'soon'");
        } finally {
            stack.secretsManager()
                    .untagResource(
                            r ->
                                    r.secretId(ACCOUNT)
                                            .tagKeys("veryfi-key-rotation:max-key-age-days"));
        }

        Result usage = cli("compliance", ACCOUNT, "--as-of", "next tuesday");
        assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("--as-of must be an ISO-8601 time");
    }

    private static void tag(String key, String value) {
        stack.secretsManager()
                .tagResource(
                        r ->
                                r.secretId(ACCOUNT)
                                        .tags(
                                                software.amazon.awssdk.services.secretsmanager.model
                                                        .Tag.builder()
                                                        .key(key)
                                                        .value(value)
                                                        .build()));
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

        Result r =
                cli(
                        "reset",
                        ACCOUNT,
                        "--reason",
                        "CLI test incident",
                        "--confirm",
                        ACCOUNT,
                        "--json");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        long newKeyId = r.json().path("newKeyId").asLong();
        assertThat(newKeyId).isNotEqualTo(before);
        assertThat(veryfi.liveKeyIds(CLIENT)).containsExactly(newKeyId);
        assertThat(cli("status", ACCOUNT).out())
                .containsPattern("AWSCURRENT +key " + newKeyId + " ");
        // The published version behind the live alias (SnapStart), never $LATEST.
        List<String> qualifiers = stack.lambdaHost().invokedQualifiers("ResetFunction");
        assertThat(qualifiers.get(qualifiers.size() - 1)).isEqualTo("live");
    }

    @Test
    @Order(7)
    void aRotationThatFailsExitsOne() {
        String orphan = "veryfi/cli-no-registry";
        stack.secretsManager()
                .createSecret(
                        b ->
                                b.name(orphan)
                                        .secretString(
                                                JSON.createObjectNode()
                                                        .put("clientId", CLIENT)
                                                        .put("username", "cli-bot")
                                                        .put("apiKey", "unused")
                                                        .put("apiKeyId", 1)
                                                        .put("baseUrl", veryfi.baseUrl().toString())
                                                        .toString()));

        Result r = cli("rotate", orphan, "--json");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(r.err().lines().count()).isEqualTo(1);
        // A missing consumer registry stops the plan: nothing is rotated, and since running it
        // again unchanged would fail the same way, the outcome is BLOCKED (a configuration
        // problem).
        assertThat(r.err()).contains("ended BLOCKED");
        assertThat(r.json().path("outcome").asText()).isEqualTo("BLOCKED");
        assertThat(r.json().path("states").toString())
                .contains("Plan", "ReportFailure", "BlockedByConfiguration")
                .doesNotContain("CreateKey");
        assertThat(cli("history", orphan).out()).contains("BLOCKED");
    }

    @Test
    @Order(6)
    void fleetDryRunSaysWhatItWouldDoAndTheRunReportsOnce() {
        stack.deployStateMachine("FleetStateMachine");
        long before = veryfi.liveKeyIds(CLIENT).get(0);

        Result dry = cli("fleet", "--dry-run", ACCOUNT);

        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        assertThat(dry.out())
                .containsPattern(java.util.regex.Pattern.quote(ACCOUNT) + " +ROTATE +NO_INTERVAL")
                .contains("rotate 1, skip 0, blocked 0");
        assertThat(veryfi.liveKeyIds(CLIENT)).containsExactly(before);

        Result run =
                cli(
                        "fleet",
                        ACCOUNT,
                        "--poll-interval",
                        "1",
                        "--healthy-polls",
                        "1",
                        "--poll-timeout",
                        "60",
                        "--grace-period",
                        "0");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("rotated 1, skipped 0, blocked 0, failed 0");
        assertThat(veryfi.liveKeyIds(CLIENT)).hasSize(1).doesNotContain(before);

        Result status = cli("status", ACCOUNT);
        assertThat(status.out())
                .contains("last fleet run")
                .containsPattern("status +SUCCEEDED")
                .contains("rotated 1");
        Result json = cli("status", ACCOUNT, "--json");
        assertThat(json.json().path("lastFleetRun").path("result").asText())
                .isEqualTo("FLEET_COMPLETED");
    }

    /**
     * Issue 19: each common failure, caused for real, is one line (at most 200 characters) naming
     * the fix.
     */
    @Test
    void awsFailuresAreOneLineThatNamesTheFix(@TempDir Path dir) throws Exception {
        assertFix(
                cli("status", "veryfi/does-not-exist"),
                "no secret veryfi/does-not-exist",
                "check the name");
        assertFix(
                run("history", ACCOUNT, "--local", "--endpoint", "http://127.0.0.1:1"),
                "cannot reach http://127.0.0.1:1",
                "./run-demo --keep-running");
        // As against AWS (no --local): the stack's outputs through CloudFormation, which does not
        // know it.
        assertFix(
                run(
                        "--endpoint",
                        stack.endpoint().toString(),
                        "--region",
                        "us-east-1",
                        "--stack-name",
                        "no-such-stack",
                        "history",
                        ACCOUNT),
                "stack no-such-stack not found in us-east-1",
                "--stack-name");

        // An operator whose identity policy lets them read executions and no secret (the local
        // stack's IAM).
        var operator = stack.lambdaHost().credentials().issueLongLived("operator-list-only");
        stack.lambdaHost()
                .identityPolicy(
                        "operator-list-only",
                        Set.of(
                                "states:ListExecutions",
                                "states:DescribeExecution",
                                "states:GetExecutionHistory"));
        Path listOnly =
                localFile(
                        dir.resolve("list-only.json"),
                        operator.accessKeyId(),
                        operator.secretAccessKey(),
                        null);
        assertFix(
                run("--local", "--local-file", listOnly.toString(), "status", ACCOUNT),
                "access denied: secretsmanager:",
                "on " + ACCOUNT,
                CliErrors.POLICIES);
        Result debug =
                run("--local", "--local-file", listOnly.toString(), "--debug", "status", ACCOUNT);
        assertThat(debug.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(debug.err())
                .contains(
                        "is not authorized to perform: secretsmanager:",
                        "at software.amazon.awssdk");
        assertThat(debug.err().lines().count()).isGreaterThan(5);

        var expired =
                stack.lambdaHost()
                        .credentials()
                        .issueTemporary("operator-expired", "cli-session", Duration.ZERO);
        Path stale =
                localFile(
                        dir.resolve("expired.json"),
                        expired.accessKeyId(),
                        expired.secretAccessKey(),
                        expired.sessionToken());
        assertFix(
                run("--local", "--local-file", stale.toString(), "history", ACCOUNT),
                "expired",
                "sign in again");
    }

    /**
     * Issue 16: {@code confirm} writes an operator's confirmation of a manual consumer, with who
     * and when; any other consumer, or a bad key id, is refused and nothing is written.
     */
    @Test
    @Order(90)
    void confirmRecordsAManualConsumerAndRefusesAnyOther() {
        String table = stack.tableName("CheckInsTable");
        String registry = "/veryfi-key-rotation/consumers/" + ACCOUNT;
        String before = stack.ssm().getParameter(r -> r.name(registry)).parameter().value();
        stack.ssm()
                .putParameter(
                        r ->
                                r.name(registry)
                                        .type("String")
                                        .overwrite(true)
                                        .value(
                                                before.replace(
                                                        "\"consumers\":[",
                                                        "\"consumers\":[{\"name\":\"acme-partner\",\"contract\":\"manual\"},")));
        try {
            Result http = cli("confirm", ACCOUNT, "cli-consumer-0", "--key-id", "42");
            assertThat(http.exitCode()).as(http.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(http.err())
                    .contains("cli-consumer-0 has contract http, not manual")
                    .contains("Nothing was written");
            Result unknown = cli("confirm", ACCOUNT, "nobody", "--key-id", "42");
            assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(unknown.err()).contains("no consumer nobody in the registry of " + ACCOUNT);
            Result zero = cli("confirm", ACCOUNT, "acme-partner", "--key-id", "0");
            assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
            for (String consumer : List.of("cli-consumer-0", "nobody", "acme-partner"))
                assertThat(checkInRecord(table, consumer))
                        .as("nothing written for " + consumer)
                        .isEmpty();

            Result ok = cli("--json", "confirm", ACCOUNT, "acme-partner", "--key-id", "42");
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            var item = checkInRecord(table, "acme-partner");
            assertThat(item.get("kind").s()).isEqualTo("manual");
            assertThat(item.get("keyId").n()).isEqualTo("42");
            assertThat(item.get("by").s()).startsWith("arn:aws:");
            assertThat(ok.out()).contains("\"confirmedBy\"").contains(item.get("by").s());
        } finally {
            stack.ssm()
                    .putParameter(
                            r -> r.name(registry).type("String").overwrite(true).value(before));
        }
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>
            checkInRecord(String table, String consumer) {
        return stack.dynamoDb()
                .getItem(
                        r ->
                                r.tableName(table)
                                        .key(
                                                Map.of(
                                                        "consumer",
                                                        software.amazon.awssdk.services.dynamodb
                                                                .model.AttributeValue.fromS(
                                                                ACCOUNT + "#" + consumer))))
                .item();
    }

    /**
     * No region, then no credentials, as on a laptop with no AWS configuration: a JVM of its own
     * with an empty environment (the SDK reads both from the environment and ~/.aws).
     */
    @Test
    void withoutRegionOrCredentialsTheCliSaysWhatToDo(@TempDir Path home) throws Exception {
        Map<String, String> bare =
                new java.util.HashMap<>(
                        Map.of(
                                "HOME",
                                home.toString(),
                                "AWS_CONFIG_FILE",
                                home.resolve("none").toString(),
                                "AWS_SHARED_CREDENTIALS_FILE",
                                home.resolve("none").toString(),
                                "AWS_EC2_METADATA_DISABLED",
                                "true"));
        assertFix(fork(bare, "status", "veryfi/demo"), "no AWS region", "--region", "AWS_REGION");
        bare.put("AWS_REGION", "eu-west-1");
        assertFix(
                fork(bare, "status", "veryfi/demo"),
                "no AWS credentials",
                "--profile",
                "aws configure",
                "aws sso login");
    }

    private static void assertFix(Result r, String... mustSay) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains(mustSay);
        assertThat(r.err().strip().length()).as(r.err()).isLessThanOrEqualTo(CliErrors.MAX_LINE);
    }

    private static Path localFile(
            Path file, String accessKeyId, String secretAccessKey, String sessionToken)
            throws java.io.IOException {
        ObjectNode f =
                JSON.createObjectNode()
                        .put("endpoint", stack.endpoint().toString())
                        .put("region", "us-east-1")
                        .put("accessKeyId", accessKeyId)
                        .put("secretAccessKey", secretAccessKey)
                        .put("stateMachineArn", rotationArn());
        if (sessionToken != null) f.put("sessionToken", sessionToken);
        return java.nio.file.Files.writeString(file, f.toString());
    }

    private static String rotationArn() {
        return stack.sfn().listStateMachines().stateMachines().stream()
                .map(m -> m.stateMachineArn())
                .filter(a -> a.endsWith("-rotation"))
                .findFirst()
                .orElseThrow();
    }

    private static Result run(String... args) {
        return CLI.run(args);
    }

    /** The CLI in a JVM of its own with exactly this environment. */
    private static Result fork(Map<String, String> env, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty(
                                        "surefire.test.class.path",
                                        System.getProperty("java.class.path")),
                                VeryfiKeysCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
