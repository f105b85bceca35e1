package io.veryfikeys.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What moto cannot show about deploying template.yaml: that a CloudWatch alarm can publish to the
 * topic it names, that every way a state machine execution can end badly raises one, and that
 * nothing assumes the commercial partition.
 */
class DeployReadinessTemplateTest {
    private static final JsonNode TEMPLATE =
            SamTemplate.load(LocalAwsStackExtension.findTemplate()).tree();
    private static final JsonNode RESOURCES = TEMPLATE.path("Resources");

    /** Every AWS::Serverless::Function of the template: each publishes one version. */
    private static final long TEMPLATE_FUNCTIONS =
            RESOURCES.properties().stream()
                    .filter(
                            e ->
                                    "AWS::Serverless::Function"
                                            .equals(e.getValue().path("Type").asText()))
                    .count();

    /**
     * CloudWatch alarm actions cannot publish to a topic encrypted with the AWS managed key
     * alias/aws/sns: an AWS service that publishes to an encrypted topic needs kms:Decrypt and
     * kms:GenerateDataKey* granted to its principal in the key's policy, which only a customer
     * managed key's policy can do ("Enable compatibility between event sources from AWS services
     * and encrypted topics",
     * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
     */
    @Test
    void everyAlarmPublishesToATopicCloudWatchCanUse() {
        List<String> topics = new ArrayList<>();
        RESOURCES
                .fields()
                .forEachRemaining(
                        r -> {
                            if (!"AWS::CloudWatch::Alarm"
                                    .equals(r.getValue().path("Type").asText())) return;
                            JsonNode actions = r.getValue().path("Properties").path("AlarmActions");
                            assertThat(actions.size())
                                    .as(r.getKey() + " has an action")
                                    .isPositive();
                            actions.forEach(a -> topics.add(a.path("Ref").asText()));
                        });
        assertThat(topics).isNotEmpty();
        for (String topic : new HashSet<>(topics)) {
            JsonNode properties = RESOURCES.path(topic).path("Properties");
            assertThat(RESOURCES.path(topic).path("Type").asText()).isEqualTo("AWS::SNS::Topic");
            JsonNode key = properties.get("KmsMasterKeyId");
            if (key == null) continue;
            assertThat(key.isTextual() && key.asText().startsWith("alias/aws/"))
                    .as(
                            topic
                                    + " is encrypted with an AWS managed key, which CloudWatch alarms cannot use")
                    .isFalse();
            String keyId = key.path("Ref").asText(key.path("Fn::GetAtt").path(0).asText());
            assertThat(RESOURCES.path(keyId).path("Properties").path("KeyPolicy").toString())
                    .as(topic + "'s customer managed key lets CloudWatch use it")
                    .contains("cloudwatch.amazonaws.com");
        }
    }

    /**
     * Failed, timed out and aborted executions of both state machines raise an alarm to the alerts
     * topic.
     */
    @Test
    void everyWayAnExecutionEndsBadlyRaisesAnAlarmForBothStateMachines() {
        for (String stateMachine : List.of("RotationStateMachine", "FleetStateMachine")) {
            Set<String> watched = new HashSet<>();
            RESOURCES
                    .fields()
                    .forEachRemaining(
                            r -> {
                                JsonNode p = r.getValue().path("Properties");
                                if (!"AWS::CloudWatch::Alarm"
                                                .equals(r.getValue().path("Type").asText())
                                        || !p.path("AlarmActions")
                                                .toString()
                                                .contains("\"AlertsTopic\"")) return;
                                List<JsonNode> metrics = new ArrayList<>();
                                p.path("Metrics")
                                        .forEach(
                                                m ->
                                                        metrics.add(
                                                                m.path("MetricStat")
                                                                        .path("Metric")));
                                if (p.has("MetricName")) metrics.add(p);
                                for (JsonNode metric : metrics) {
                                    boolean ours =
                                            metric.path("Dimensions")
                                                    .toString()
                                                    .contains("\"Ref\":\"" + stateMachine + "\"");
                                    if (ours
                                            && "AWS/States"
                                                    .equals(metric.path("Namespace").asText())) {
                                        watched.add(metric.path("MetricName").asText());
                                    }
                                }
                                // the metrics must all count: a math alarm returns their sum
                                p.path("Metrics")
                                        .forEach(
                                                m -> {
                                                    if (m.path("ReturnData").asBoolean(false)) {
                                                        assertThat(m.path("Expression").asText())
                                                                .contains(
                                                                        "failed",
                                                                        "timedOut",
                                                                        "aborted");
                                                    }
                                                });
                            });
            assertThat(watched)
                    .as(stateMachine)
                    .contains("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted");
        }
    }

    /**
     * arn:aws: written out would break a deploy to aws-cn or aws-us-gov: ARNs name
     * ${AWS::Partition}.
     */
    @Test
    void noArnNamesThePartitionLiterally() throws java.io.IOException {
        java.nio.file.Path root = LocalAwsStackExtension.findTemplate().getParent();
        for (String file :
                List.of(
                        "template.yaml",
                        "statemachine/rotation.asl.json",
                        "statemachine/fleet.asl.json")) {
            List<String> literal =
                    java.nio.file.Files.readAllLines(root.resolve(file)).stream()
                            .filter(
                                    line ->
                                            !line.strip().startsWith("#")
                                                    && line.contains("arn:aws:"))
                            .toList();
            assertThat(literal).as(file).isEmpty();
        }
    }

    /**
     * With the optional customer managed key for the secrets, every function that reads a secret
     * may decrypt with it and every one that writes one may also generate data keys; without it
     * (the AWS managed key), no KMS grant exists at all.
     */
    @Test
    void theSecretsKeyIsGrantedToExactlyTheFunctionsThatReadOrWriteSecrets() {
        assertThat(TEMPLATE.path("Conditions").path("HasSecretsKmsKey").toString())
                .contains("SecretsKmsKeyArn");
        RESOURCES
                .fields()
                .forEachRemaining(
                        r -> {
                            if (!"AWS::Serverless::Function"
                                    .equals(r.getValue().path("Type").asText())) return;
                            Set<String> secretActions = new HashSet<>();
                            Set<String> kmsActions = new HashSet<>();
                            for (JsonNode policy :
                                    r.getValue().path("Properties").path("Policies")) {
                                for (JsonNode statement : policy.path("Statement")) {
                                    statement
                                            .path("Action")
                                            .forEach(a -> secretActions.add(a.asText()));
                                }
                                JsonNode conditional = policy.path("Fn::If");
                                if (conditional.isArray()) {
                                    assertThat(conditional.get(0).asText())
                                            .isEqualTo("HasSecretsKmsKey");
                                    assertThat(conditional.get(2).path("Ref").asText())
                                            .isEqualTo("AWS::NoValue");
                                    for (JsonNode statement :
                                            conditional.get(1).path("Statement")) {
                                        assertThat(statement.path("Resource").path("Ref").asText())
                                                .isEqualTo("SecretsKmsKeyArn");
                                        statement
                                                .path("Action")
                                                .forEach(a -> kmsActions.add(a.asText()));
                                    }
                                }
                            }
                            Set<String> expected = new HashSet<>();
                            if (secretActions.contains("secretsmanager:GetSecretValue"))
                                expected.add("kms:Decrypt");
                            if (secretActions.contains("secretsmanager:PutSecretValue"))
                                expected.addAll(List.of("kms:Decrypt", "kms:GenerateDataKey"));
                            assertThat(kmsActions).as(r.getKey()).isEqualTo(expected);
                        });
    }

    /**
     * For every parameter, a value it allows other than its default: a new parameter fails the
     * tests below until it has one here.
     */
    private static final Map<String, String> CHANGED =
            Map.ofEntries(
                    Map.entry("SecretNamePrefix", "payroll/"),
                    Map.entry("RotationTagKey", "rotate-me"),
                    Map.entry("RotationTagValue", "yes"),
                    Map.entry("ConsumerRegistryPrefix", "/other/consumers"),
                    Map.entry("RotationSchedule", "rate(7 days)"),
                    Map.entry("ScheduleState", "DISABLED"),
                    Map.entry("MaxConcurrency", "17"),
                    Map.entry("VeryfiRequestsPerSecond", "7"),
                    Map.entry("MaxKeyAgeDays", "30"),
                    Map.entry("PollIntervalSeconds", "60"),
                    Map.entry("RequiredHealthyPolls", "5"),
                    Map.entry("PollTimeoutSeconds", "3600"),
                    Map.entry("GracePeriodSeconds", "0"),
                    Map.entry("AlertEmail", "oncall@example.com"),
                    Map.entry("KeysToKeepAfterReset", "2"),
                    Map.entry(
                            "SecretsKmsKeyArn",
                            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                    Map.entry("LogRetentionDays", "30"));

    /**
     * No template parameter reaches a function's own properties (its Environment above all): SAM's
     * AutoPublishAlias publishes a new version, and moves the live alias, only when the version
     * hash changes, and that hash takes Environment as written, references unresolved (see the next
     * test). A parameter there would reach $LATEST and never the code that runs. Policies are
     * exempt: they build the function's role, which changes in place on a deploy.
     */
    @Test
    void noTemplateParameterReachesAFunctionsOwnProperties() {
        Set<String> parameters = new HashSet<>();
        TEMPLATE.path("Parameters").fieldNames().forEachRemaining(parameters::add);
        assertThat(CHANGED.keySet())
                .as("every parameter has a changed value for these tests")
                .isEqualTo(parameters);
        Map<String, Set<String>> found = new java.util.TreeMap<>();
        JsonNode globals = TEMPLATE.path("Globals").path("Function");
        RESOURCES
                .fields()
                .forEachRemaining(
                        r -> {
                            if (!"AWS::Serverless::Function"
                                    .equals(r.getValue().path("Type").asText())) return;
                            for (JsonNode properties :
                                    List.of(globals, r.getValue().path("Properties"))) {
                                properties
                                        .fields()
                                        .forEachRemaining(
                                                p -> {
                                                    if (p.getKey().equals("Policies")
                                                            || p.getKey().equals("Events")) return;
                                                    Set<String> used = new java.util.TreeSet<>();
                                                    collectParameterReferences(
                                                            p.getValue(), parameters, used);
                                                    used.forEach(
                                                            name ->
                                                                    found.computeIfAbsent(
                                                                                    r.getKey()
                                                                                            + "."
                                                                                            + p
                                                                                                    .getKey(),
                                                                                    k ->
                                                                                            new java
                                                                                                    .util
                                                                                                    .TreeSet<>())
                                                                            .add(name));
                                                });
                            }
                        });
        assertThat(found).as("function properties that reference template parameters").isEmpty();
    }

    private static void collectParameterReferences(
            JsonNode node, Set<String> parameters, Set<String> used) {
        if (node.isObject()) {
            JsonNode ref = node.get("Ref");
            if (ref != null && ref.isTextual() && parameters.contains(ref.asText()))
                used.add(ref.asText());
            JsonNode sub = node.get("Fn::Sub");
            if (sub != null) {
                String text = sub.isArray() ? sub.path(0).asText() : sub.asText();
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(text);
                while (m.find()) if (parameters.contains(m.group(1))) used.add(m.group(1));
            }
            node.forEach(child -> collectParameterReferences(child, parameters, used));
        } else if (node.isArray()) {
            node.forEach(child -> collectParameterReferences(child, parameters, used));
        }
    }

    /**
     * What the test above guards against, shown by SAM's own translator (installed with cfn-lint):
     * for every parameter, a deploy with another value publishes no new version of any function. It
     * also checks the local stack's model of a deploy: {@code LocalAwsStack.redeploy} leaves the
     * functions as they were, which SettingsReachTheRunningCodeTest relies on. (SAM issue #1640:
     * "Change in Ref'd Parameter Values do not trigger Function Alias update via
     * AutoPublishAlias".)
     */
    @Test
    void aChangedParameterPublishesNoFunctionVersion() throws Exception {
        List<Map<String, String>> sets = new ArrayList<>();
        sets.add(Map.of());
        List<String> names = new ArrayList<>(CHANGED.keySet());
        names.forEach(name -> sets.add(Map.of(name, CHANGED.get(name))));
        java.nio.file.Path script =
                java.nio.file.Path.of(
                        DeployReadinessTemplateTest.class.getResource("/sam-versions.py").toURI());
        ProcessBuilder pb =
                new ProcessBuilder(
                        "python3",
                        script.toString(),
                        LocalAwsStackExtension.findTemplate().toString(),
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(sets));
        pb.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
        pb.redirectErrorStream(false);
        Process process = pb.start();
        String out =
                new String(
                        process.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        String err =
                new String(
                        process.getErrorStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("SAM translator (pip install cfn-lint): " + err).isZero();
        JsonNode versions = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertThat(versions.size()).isEqualTo(sets.size());
        assertThat(versions.get(0).size())
                .as("one published version per function")
                .isEqualTo(TEMPLATE_FUNCTIONS);
        for (int i = 1; i < sets.size(); i++) {
            assertThat(versions.get(i))
                    .as("versions after a deploy that changes " + names.get(i - 1))
                    .isEqualTo(versions.get(0));
        }
    }

    /**
     * Where the settings go instead, each where a deploy changes it: the rotation's into the
     * rotation definition, the fleet's into the fleet definition, the reset's into its SSM
     * parameter (SettingsReachTheRunningCodeTest shows each arriving).
     */
    @Test
    void everySettingTravelsInADefinitionOrTheResetSettingsParameter() {
        Map<String, String> where =
                Map.ofEntries(
                        Map.entry("PollIntervalSeconds", "RotationStateMachine"),
                        Map.entry("RequiredHealthyPolls", "RotationStateMachine"),
                        Map.entry("PollTimeoutSeconds", "RotationStateMachine"),
                        Map.entry("GracePeriodSeconds", "RotationStateMachine"),
                        Map.entry("ConsumerRegistryPrefix", "RotationStateMachine"),
                        Map.entry("SecretNamePrefix", "FleetStateMachine"),
                        Map.entry("RotationTagKey", "FleetStateMachine"),
                        Map.entry("RotationTagValue", "FleetStateMachine"),
                        Map.entry("MaxConcurrency", "FleetStateMachine"),
                        Map.entry("VeryfiRequestsPerSecond", "FleetStateMachine"),
                        Map.entry("KeysToKeepAfterReset", "ResetSettingsParameter"));
        // ConfirmFunction reads the registry prefix from its own settings parameter too.
        assertThat(
                        RESOURCES
                                .path("ConfirmSettingsParameter")
                                .path("Properties")
                                .path("Value")
                                .path("Fn::Sub")
                                .asText())
                .contains("${ConsumerRegistryPrefix}");
        where.forEach(
                (parameter, resource) -> {
                    JsonNode properties = RESOURCES.path(resource).path("Properties");
                    JsonNode carrier =
                            resource.endsWith("StateMachine")
                                    ? properties
                                            .path("DefinitionSubstitutions")
                                            .path(parameter)
                                            .path("Ref")
                                    : properties.path("Value").path("Fn::Sub");
                    assertThat(carrier.asText())
                            .as(parameter + " in " + resource)
                            .contains(parameter);
                });
    }
}
