package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19: {@code veryfi-keys doctor} on the local stack, with a healthy deployment (all OK) and
 * each broken setup made for real: no confirmed subscriber, a bad secret, an unknown key at Veryfi,
 * an unreachable consumer, a version idle for 14 days, a disabled schedule, a changed registry.
 */
@ExtendWith(LocalAwsStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DoctorTest {
    static {
        System.setProperty("VERIFY_RETRY_DELAY_MILLIS", "100");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = "veryfi/doctor-ok";
    private static final CliRunner CLI = new CliRunner();
    private static final List<SimulatedConsumer> consumers = new ArrayList<>();
    private static final ByteArrayOutputStream HANDLER_LOGS = new ByteArrayOutputStream();

    private static LocalAwsStack stack;
    private static VeryfiSimulator veryfi;
    private static String alertsTopic;

    /** The checks of a --json doctor run with this status, as "area subject: detail | fix". */
    static List<String> with(Result r, String status) {
        List<String> found = new ArrayList<>();
        r.json()
                .path("checks")
                .forEach(
                        c -> {
                            if (status.equals(c.path("status").asText())) {
                                found.add(
                                        c.path("area").asText()
                                                + " "
                                                + c.path("subject").asText()
                                                + ": "
                                                + c.path("detail").asText()
                                                + " | "
                                                + c.path("fix").asText(""));
                            }
                        });
        return found;
    }

    @BeforeAll
    static void start(LocalAwsStack localStack) {
        stack = localStack;
        Log.redirect(new PrintStream(HANDLER_LOGS, true, StandardCharsets.UTF_8));
        veryfi = VeryfiSimulator.start(0);
        stack.localTestMode(veryfi.baseUrl());
        stack.deployStateMachine("RotationStateMachine");
        stack.deployStateMachine("FleetStateMachine");
        alertsTopic = stack.topicArn("AlertsTopic");
        account(OK, "vf_doc_ok");
        consumers.add(
                SimulatedConsumer.start(
                        "doc-consumer", () -> current(OK), Duration.ZERO, Duration.ofMillis(100)));
        registry(OK, consumers);
    }

    @AfterAll
    static void stop() {
        consumers.forEach(SimulatedConsumer::close);
        Log.redirect(null);
        if (veryfi != null) {
            String printed =
                    String.join("\n", CLI.printed) + HANDLER_LOGS.toString(StandardCharsets.UTF_8);
            for (String value : veryfi.issuedKeyValues())
                assertThat(printed).as("doctor output and logs").doesNotContain(value);
            veryfi.close();
        }
    }

    @Test
    @Order(1)
    void anAlertsTopicWithoutAConfirmedSubscriberFails() {
        // What AlertEmail=oncall@example.com deploys: an email subscription, pending until its
        // owner confirms.
        String email =
                stack.sns()
                        .subscribe(
                                r ->
                                        r.topicArn(alertsTopic)
                                                .protocol("email")
                                                .endpoint("oncall@example.com"))
                        .subscriptionArn();
        try {
            Result r = doctor(OK);
            assertThat(r.exitCode()).as(r.out()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
            assertThat(with(r, "FAIL"))
                    .singleElement()
                    .asString()
                    .startsWith("alerts " + alertsTopic)
                    .contains(
                            "no confirmed subscription",
                            "pending confirmation: [email oncall@example.com]",
                            "confirm the subscription");
        } finally {
            stack.sns().unsubscribe(r -> r.subscriptionArn(email));
        }
    }

    @Test
    @Order(2)
    void aHealthyDeploymentIsAllOk() {
        stack.subscribeQueue(
                alertsTopic); // the on-call inbox: an SQS subscription is confirmed at once
        Result rotated =
                cli(
                        "rotate",
                        OK,
                        "--poll-interval",
                        "1",
                        "--healthy-polls",
                        "1",
                        "--poll-timeout",
                        "30",
                        "--grace-period",
                        "0");
        assertThat(rotated.exitCode()).as(rotated.out() + rotated.err()).isZero();

        Result r = doctor(OK);
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(with(r, "WARN")).isEmpty();
        assertThat(with(r, "FAIL")).isEmpty();
        assertThat(with(r, "OK"))
                .anyMatch(
                        c ->
                                c.startsWith("schedule")
                                        && c.contains("cron(0 3 1 * ? *) ENABLED, next run"))
                .anyMatch(c -> c.startsWith("alerts") && c.contains("1 confirmed (sqs)"))
                .anyMatch(c -> c.startsWith("function PlanFunction: live = version 1, Active"))
                .anyMatch(
                        c ->
                                c.startsWith("account " + OK)
                                        && c.contains("Veryfi accepts AWSCURRENT"))
                .anyMatch(c -> c.startsWith("consumer " + OK + ":doc-consumer: answers: key"))
                .anyMatch(c -> c.startsWith("rotation " + OK + ": last run SUCCEEDED"));
        assertThat(r.json().path("ok").asInt()).isEqualTo(r.json().path("checks").size());

        Result text = cli("doctor", OK);
        assertThat(text.out()).contains("OK    account", "0 WARN, 0 FAIL: ready");
    }

    @Test
    @Order(3)
    void aBadSecretFailsWithTheFix() {
        stack.secretsManager()
                .createSecret(
                        b ->
                                b.name("veryfi/doctor-bad")
                                        .secretString(
                                                "{\"clientId\":\"vf_doc_bad\",\"username\":\"u\",\"apiKey\":\"not-a-real-key-0000\"}")
                                        .tags(
                                                Tag.builder()
                                                        .key("veryfi-key-rotation")
                                                        .value("enabled")
                                                        .build()));
        Result r = doctor("veryfi/doctor-bad");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(with(r, "FAIL"))
                .anyMatch(
                        c ->
                                c.startsWith(
                                                "account veryfi/doctor-bad: the check failed in the Plan"
                                                        + " function: io.veryfikeys.secrets.InvalidSecretException")
                                        && c.contains("fix the secret's JSON"));
    }

    @Test
    @Order(4)
    void aKeyAtVeryfiThatNoSecretHoldsFails() {
        account("veryfi/doctor-unknown", "vf_doc_unknown");
        registryWithoutConsumers("veryfi/doctor-unknown");
        long stray = veryfi.addKey("vf_doc_unknown").id();
        Result r = doctor("veryfi/doctor-unknown");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(with(r, "FAIL"))
                .anyMatch(
                        c ->
                                c.startsWith(
                                        "account veryfi/doctor-unknown: the next run would be"
                                                + " BLOCKED: Veryfi has key(s) ["
                                                + stray
                                                + "]"));
    }

    @Test
    @Order(5)
    void aConsumerTheFunctionsCannotReachFails() throws Exception {
        account("veryfi/doctor-unreachable", "vf_doc_unreachable");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String registry =
                JSON.createObjectNode()
                        .set(
                                "consumers",
                                JSON.valueToTree(
                                        List.of(
                                                Map.of(
                                                        "name",
                                                        "gone",
                                                        "healthUrl",
                                                        "http://127.0.0.1:" + closed + "/health"))))
                        .toString();
        stack.client(SsmClient::builder)
                .putParameter(
                        b ->
                                b.name("/veryfi-key-rotation/consumers/veryfi/doctor-unreachable")
                                        .type("String")
                                        .value(registry)
                                        .overwrite(true));
        Result r = doctor("veryfi/doctor-unreachable");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(with(r, "FAIL"))
                .singleElement()
                .asString()
                .startsWith(
                        "consumer veryfi/doctor-unreachable:gone: not reachable from the functions")
                .contains("security group");
    }

    @Test
    @Order(6)
    void aVersionIdleFor14DaysIsReportedWithWhatToDo() {
        stack.lambdaHost().markIdleFor14Days("PlanFunction", Duration.ofMinutes(5));
        try {
            Result r = doctor(OK);
            assertThat(with(r, "WARN"))
                    .anyMatch(
                            c ->
                                    c.startsWith(
                                                    "function PlanFunction: live = version 1, Inactive (Idle)")
                                            && c.contains("nothing needed"));
            // The check-only invoke met the not-ready version: the account cannot be checked now.
            assertThat(with(r, "FAIL"))
                    .anyMatch(c -> c.startsWith("account " + OK) && c.contains("run doctor again"));
            assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        } finally {
            stack.lambdaHost().clearInvokeFaults();
        }
    }

    @Test
    @Order(7)
    void aDisabledScheduleAndAChangedRegistryWarn() {
        stack.redeploy(Map.of("ScheduleState", "DISABLED"));
        SimulatedConsumer extra =
                SimulatedConsumer.start(
                        "doc-new", () -> current(OK), Duration.ZERO, Duration.ofMillis(100));
        List<SimulatedConsumer> now = new ArrayList<>(consumers);
        now.add(extra);
        registry(OK, now);
        try {
            Result r = doctor(OK);
            assertThat(r.exitCode()).as("warnings only").isZero();
            assertThat(with(r, "WARN"))
                    .anyMatch(
                            c ->
                                    c.startsWith("schedule")
                                            && c.contains("DISABLED")
                                            && c.contains("ScheduleState=ENABLED"))
                    .anyMatch(
                            c ->
                                    c.startsWith(
                                            "registry "
                                                    + OK
                                                    + ": the consumer registry changed since the last rotation:"
                                                    + " added [doc-new "
                                                    + extra.healthUrl()
                                                    + "], removed []"));
        } finally {
            stack.redeploy(Map.of());
            registry(OK, consumers);
            extra.close();
        }
    }

    /**
     * Issue 21's duplicate: a second, unlinked secret for the same Veryfi account would keep a
     * deleted key.
     */
    @Test
    @Order(9)
    void theSameAccountInTwoUnlinkedSecretsFails() {
        account("veryfi/doctor-dup-a", "vf_doc_dup");
        registryWithoutConsumers("veryfi/doctor-dup-a");
        String copy =
                stack.secretsManager()
                        .getSecretValue(b -> b.secretId("veryfi/doctor-dup-a"))
                        .secretString();
        stack.secretsManager().createSecret(b -> b.name("veryfi/doctor-dup-b").secretString(copy));
        Result r = doctor("veryfi/doctor-dup-a");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(with(r, "FAIL"))
                .anyMatch(
                        c ->
                                c.startsWith(
                                        "account veryfi/doctor-dup-a: the next run would be BLOCKED:"
                                                + " secret(s) [veryfi/doctor-dup-b] hold the same Veryfi account"));
    }

    /**
     * Not the local stack: a CloudFormation stack (in the local stack's CloudFormation) without
     * this stack's outputs.
     */
    @Test
    @Order(10)
    void aStackWithoutTheOutputsSaysWhichAndWhatToDo() {
        try (var cfn =
                stack.client(
                        software.amazon.awssdk.services.cloudformation.CloudFormationClient
                                ::builder)) {
            cfn.createStack(
                    b ->
                            b.stackName("not-the-rotation-stack")
                                    .templateBody(
                                            "{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}"));
        }
        Result r =
                CLI.run(
                        "--endpoint",
                        stack.endpoint().toString(),
                        "--region",
                        "us-east-1",
                        "--stack-name",
                        "not-the-rotation-stack",
                        "--json",
                        "doctor",
                        OK);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(with(r, "FAIL"))
                .singleElement()
                .asString()
                .contains(
                        "stack not-the-rotation-stack has no output" + " RotationStateMachineArn",
                        "--stack-name");
        Result history =
                CLI.run(
                        "--endpoint",
                        stack.endpoint().toString(),
                        "--region",
                        "us-east-1",
                        "--stack-name",
                        "not-the-rotation-stack",
                        "history",
                        OK);
        assertThat(history.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(history.err())
                .startsWith(
                        "error: stack not-the-rotation-stack has no output RotationStateMachineArn;"
                                + " pass --stack-name");
    }

    /**
     * The README's operator policy is enough for doctor, status and history: run as a principal
     * holding exactly it.
     */
    @Test
    @Order(8)
    void theReadmesOperatorPolicyCoversDoctorStatusAndHistory(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        String policy = readme.substring(readme.indexOf("*Operator*"));
        policy =
                policy.substring(
                        policy.indexOf("```json") + 7,
                        policy.indexOf("```", policy.indexOf("```json") + 7));
        java.util.Set<String> actions = new java.util.TreeSet<>();
        for (JsonNode statement : JSON.readTree(policy).path("Statement")) {
            JsonNode a = statement.path("Action");
            if (a.isArray()) a.forEach(x -> actions.add(x.asText()));
            else actions.add(a.asText());
        }
        assertThat(actions)
                .contains(
                        "lambda:InvokeFunction",
                        "sns:ListSubscriptionsByTopic",
                        "cloudformation:ListStackResources");
        // No CloudFormation stack locally: its outputs come from the file (as the demo writes it),
        // and the stack's function list from ListFunctions, the one local stand-in for
        // ListStackResources.
        actions.add("lambda:ListFunctions");
        var operator = stack.lambdaHost().credentials().issueLongLived("operator-readme");
        stack.lambdaHost().identityPolicy("operator-readme", actions);
        java.nio.file.Path file = dir.resolve("operator.json");
        java.nio.file.Files.writeString(
                file,
                JSON.createObjectNode()
                        .put("endpoint", stack.endpoint().toString())
                        .put("accessKeyId", operator.accessKeyId())
                        .put("secretAccessKey", operator.secretAccessKey())
                        .put(
                                "stateMachineArn",
                                stack.resolver().stateMachineArn("RotationStateMachine"))
                        .put(
                                "fleetStateMachineArn",
                                stack.resolver().stateMachineArn("FleetStateMachine"))
                        .put("alertsTopicArn", alertsTopic)
                        .put("resetFunctionName", "ResetFunction")
                        .toString());
        for (String[] command :
                List.of(
                        new String[] {"doctor", OK},
                        new String[] {"status", OK},
                        new String[] {"history", OK})) {
            List<String> args =
                    new ArrayList<>(List.of("--local", "--local-file", file.toString()));
            args.addAll(List.of(command));
            Result r = CLI.run(args.toArray(String[]::new));
            assertThat(r.out() + r.err())
                    .as(String.join(" ", command))
                    .doesNotContain("access denied", "not authorized");
            assertThat(r.exitCode())
                    .as(String.join(" ", command) + ": " + r.out() + r.err())
                    .isZero();
        }
        assertThat(stack.lambdaHost().refusedAwsCalls().keySet())
                .noneMatch(k -> k.contains("operator-readme"));
    }

    private static void account(String secretId, String clientId) {
        LocalAccounts.create(stack, veryfi, secretId, clientId, "doctor-bot");
    }

    private static void registry(String secretId, List<SimulatedConsumer> list) {
        LocalAccounts.registry(stack, secretId, list);
    }

    private static void registryWithoutConsumers(String secretId) {
        stack.client(SsmClient::builder)
                .putParameter(
                        b ->
                                b.name("/veryfi-key-rotation/consumers/" + secretId)
                                        .type("String")
                                        .value(
                                                "{\"consumers\":[],\"noConsumers\":\"doctor test: nobody uses it\"}")
                                        .overwrite(true));
    }

    private static SimulatedConsumer.Credentials current(String secretId) {
        return LocalAccounts.current(stack, secretId);
    }

    private static Result doctor(String... accounts) {
        return cli(
                Stream.concat(Stream.of("--json", "doctor"), Stream.of(accounts))
                        .toArray(String[]::new));
    }

    private static Result cli(String... args) {
        return CLI.local(stack.endpoint(), args);
    }
}
