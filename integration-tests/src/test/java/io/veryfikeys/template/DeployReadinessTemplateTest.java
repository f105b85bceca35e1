package io.veryfikeys.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What moto cannot show about deploying template.yaml: that a CloudWatch alarm can publish to the
 * topic it names, that every way a state machine execution can end badly raises one, and that
 * nothing assumes the commercial partition.
 */
class DeployReadinessTemplateTest {
    private static final JsonNode TEMPLATE = SamTemplate.load(LocalAwsStackExtension.findTemplate()).tree();
    private static final JsonNode RESOURCES = TEMPLATE.path("Resources");

    /**
     * CloudWatch alarm actions cannot publish to a topic encrypted with the AWS managed key
     * alias/aws/sns: an AWS service that publishes to an encrypted topic needs kms:Decrypt and
     * kms:GenerateDataKey* granted to its principal in the key's policy, which only a customer
     * managed key's policy can do ("Enable compatibility between event sources from AWS services and
     * encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
     */
    @Test
    void everyAlarmPublishesToATopicCloudWatchCanUse() {
        List<String> topics = new ArrayList<>();
        RESOURCES.fields().forEachRemaining(r -> {
            if (!"AWS::CloudWatch::Alarm".equals(r.getValue().path("Type").asText())) return;
            JsonNode actions = r.getValue().path("Properties").path("AlarmActions");
            assertThat(actions.size()).as(r.getKey() + " has an action").isPositive();
            actions.forEach(a -> topics.add(a.path("Ref").asText()));
        });
        assertThat(topics).isNotEmpty();
        for (String topic : new HashSet<>(topics)) {
            JsonNode properties = RESOURCES.path(topic).path("Properties");
            assertThat(RESOURCES.path(topic).path("Type").asText()).isEqualTo("AWS::SNS::Topic");
            JsonNode key = properties.get("KmsMasterKeyId");
            if (key == null) continue;
            assertThat(key.isTextual() && key.asText().startsWith("alias/aws/"))
                    .as(topic + " is encrypted with an AWS managed key, which CloudWatch alarms cannot use").isFalse();
            String keyId = key.path("Ref").asText(key.path("Fn::GetAtt").path(0).asText());
            assertThat(RESOURCES.path(keyId).path("Properties").path("KeyPolicy").toString())
                    .as(topic + "'s customer managed key lets CloudWatch use it").contains("cloudwatch.amazonaws.com");
        }
    }

    /** Failed, timed out and aborted executions of both state machines raise an alarm to the alerts topic. */
    @Test
    void everyWayAnExecutionEndsBadlyRaisesAnAlarmForBothStateMachines() {
        for (String stateMachine : List.of("RotationStateMachine", "FleetStateMachine")) {
            Set<String> watched = new HashSet<>();
            RESOURCES.fields().forEachRemaining(r -> {
                JsonNode p = r.getValue().path("Properties");
                if (!"AWS::CloudWatch::Alarm".equals(r.getValue().path("Type").asText())
                        || !p.path("AlarmActions").toString().contains("\"AlertsTopic\"")) return;
                List<JsonNode> metrics = new ArrayList<>();
                p.path("Metrics").forEach(m -> metrics.add(m.path("MetricStat").path("Metric")));
                if (p.has("MetricName")) metrics.add(p);
                for (JsonNode metric : metrics) {
                    boolean ours = metric.path("Dimensions").toString().contains("\"Ref\":\"" + stateMachine + "\"");
                    if (ours && "AWS/States".equals(metric.path("Namespace").asText())) {
                        watched.add(metric.path("MetricName").asText());
                    }
                }
                // the metrics must all count: a math alarm returns their sum
                p.path("Metrics").forEach(m -> {
                    if (m.path("ReturnData").asBoolean(false)) {
                        assertThat(m.path("Expression").asText()).contains("failed", "timedOut", "aborted");
                    }
                });
            });
            assertThat(watched).as(stateMachine)
                    .contains("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted");
        }
    }

    /** arn:aws: written out would break a deploy to aws-cn or aws-us-gov: ARNs name ${AWS::Partition}. */
    @Test
    void noArnNamesThePartitionLiterally() throws java.io.IOException {
        java.nio.file.Path root = LocalAwsStackExtension.findTemplate().getParent();
        for (String file : List.of("template.yaml", "statemachine/rotation.asl.json", "statemachine/fleet.asl.json")) {
            List<String> literal = java.nio.file.Files.readAllLines(root.resolve(file)).stream()
                    .filter(line -> !line.strip().startsWith("#") && line.contains("arn:aws:")).toList();
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
        assertThat(TEMPLATE.path("Conditions").path("HasSecretsKmsKey").toString()).contains("SecretsKmsKeyArn");
        RESOURCES.fields().forEachRemaining(r -> {
            if (!"AWS::Serverless::Function".equals(r.getValue().path("Type").asText())) return;
            Set<String> secretActions = new HashSet<>();
            Set<String> kmsActions = new HashSet<>();
            for (JsonNode policy : r.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    statement.path("Action").forEach(a -> secretActions.add(a.asText()));
                }
                JsonNode conditional = policy.path("Fn::If");
                if (conditional.isArray()) {
                    assertThat(conditional.get(0).asText()).isEqualTo("HasSecretsKmsKey");
                    assertThat(conditional.get(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
                    for (JsonNode statement : conditional.get(1).path("Statement")) {
                        assertThat(statement.path("Resource").path("Ref").asText()).isEqualTo("SecretsKmsKeyArn");
                        statement.path("Action").forEach(a -> kmsActions.add(a.asText()));
                    }
                }
            }
            Set<String> expected = new HashSet<>();
            if (secretActions.contains("secretsmanager:GetSecretValue")) expected.add("kms:Decrypt");
            if (secretActions.contains("secretsmanager:PutSecretValue")) expected.addAll(List.of("kms:Decrypt", "kms:GenerateDataKey"));
            assertThat(kmsActions).as(r.getKey()).isEqualTo(expected);
        });
    }
}
