package io.veryfikeys.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20 item 6: only this stack's own roles may publish to its topics, so nobody else with
 * sns:Publish in the account can send a forged RESET or SUCCEEDED alert or key-rotated event. Each
 * topic's Deny must name exactly the roles whose policies grant sns:Publish on that topic: one
 * missing would silence a real alert, one extra would let a role publish that should not.
 */
class TopicPolicyTemplateTest {
    private static final JsonNode RESOURCES =
            SamTemplate.load(LocalAwsStackExtension.findTemplate()).tree().path("Resources");

    @Test
    void eachTopicDeniesPublishToAllButTheRolesGrantedIt() throws Exception {
        Map<String, Set<String>> granted = new TreeMap<>();
        RESOURCES
                .fields()
                .forEachRemaining(
                        resource -> {
                            String type = resource.getValue().path("Type").asText();
                            if (!type.equals("AWS::Serverless::Function")
                                    && !type.equals("AWS::Serverless::StateMachine")) {
                                return;
                            }
                            for (JsonNode policy :
                                    resource.getValue().path("Properties").path("Policies")) {
                                // SAM's policy template names the topic by its TopicName
                                JsonNode template =
                                        policy.path("SNSPublishMessagePolicy").path("TopicName");
                                if (!template.isMissingNode()) {
                                    granted.computeIfAbsent(
                                                    logicalId(template), k -> new TreeSet<>())
                                            .add(resource.getKey() + "Role");
                                }
                                for (JsonNode statement : policy.path("Statement")) {
                                    if (!statement
                                            .path("Action")
                                            .toString()
                                            .contains("sns:Publish")) {
                                        continue;
                                    }
                                    JsonNode resources = statement.path("Resource");
                                    for (JsonNode topic :
                                            resources.isArray()
                                                    ? resources
                                                    : java.util.List.of(resources)) {
                                        granted.computeIfAbsent(
                                                        logicalId(topic), k -> new TreeSet<>())
                                                .add(resource.getKey() + "Role");
                                    }
                                }
                            }
                        });
        assertThat(granted).containsOnlyKeys("AlertsTopic", "KeyRotatedTopic");

        Map<String, Set<String>> allowedByPolicy = new TreeMap<>();
        RESOURCES
                .fields()
                .forEachRemaining(
                        resource -> {
                            if (!resource.getValue()
                                    .path("Type")
                                    .asText()
                                    .equals("AWS::SNS::TopicPolicy")) {
                                return;
                            }
                            JsonNode properties = resource.getValue().path("Properties");
                            for (JsonNode statement :
                                    properties.path("PolicyDocument").path("Statement")) {
                                if (!statement.path("Effect").asText().equals("Deny")) {
                                    continue;
                                }
                                assertThat(statement.path("Principal").asText()).isEqualTo("*");
                                assertThat(statement.path("Action").asText())
                                        .isEqualTo("sns:Publish");
                                assertThat(
                                                statement
                                                        .path("Condition")
                                                        .path("StringEquals")
                                                        .path("aws:PrincipalType")
                                                        .toString())
                                        .as(
                                                "every kind of IAM caller, so that only service principals fall to the Allow")
                                        .contains(
                                                "User",
                                                "AssumedRole",
                                                "FederatedUser",
                                                "Account",
                                                "Anonymous");
                                Set<String> roles = new TreeSet<>();
                                statement
                                        .path("Condition")
                                        .path("ArnNotEquals")
                                        .path("aws:PrincipalArn")
                                        .forEach(arn -> roles.add(logicalId(arn)));
                                for (JsonNode topic : properties.path("Topics")) {
                                    allowedByPolicy.put(logicalId(topic), roles);
                                    assertThat(logicalId(statement.path("Resource")))
                                            .isEqualTo(logicalId(topic));
                                }
                            }
                        });
        assertThat(allowedByPolicy).isEqualTo(granted);

        // The role logical ids are SAM's (<resource>Role): its own translator must produce each
        // one.
        Path script =
                Path.of(TopicPolicyTemplateTest.class.getResource("/sam-resources.py").toURI());
        ProcessBuilder pb =
                new ProcessBuilder(
                        "python3",
                        script.toString(),
                        LocalAwsStackExtension.findTemplate().toString());
        pb.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("SAM translator (pip install cfn-lint): " + err).isZero();
        JsonNode translated = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        granted.values().stream()
                .flatMap(Set::stream)
                .forEach(
                        role ->
                                assertThat(translated.path(role).asText())
                                        .as(role)
                                        .isEqualTo("AWS::IAM::Role"));
        assertThat(translated.path("AlertsTopicPolicy").asText())
                .isEqualTo("AWS::SNS::TopicPolicy");
    }

    /** {"Ref":"X"}, {"Fn::GetAtt":["X","Arn"]}, {"Fn::GetAtt":"X.Arn"} or "X": the logical id X. */
    private static String logicalId(JsonNode node) {
        if (node.has("Ref")) {
            return node.get("Ref").asText();
        }
        if (node.has("Fn::GetAtt")) {
            JsonNode att = node.get("Fn::GetAtt");
            return att.isArray() ? att.get(0).asText() : att.asText().split("\\.")[0];
        }
        return node.asText().split("\\.")[0];
    }
}
