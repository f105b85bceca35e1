package io.veryfikeys.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamTemplateTest {
    static final Path FIXTURE = Path.of("src/test/resources/test-template.yaml");

    @Test
    void readsFunctionsMergedWithGlobals() {
        SamTemplate t = SamTemplate.load(FIXTURE);
        assertThat(t.functions())
                .containsOnlyKeys(
                        "EchoFunction",
                        "StreamEchoFunction",
                        "SecretWriterFunction",
                        "FailingFunction");
        SamTemplate.FunctionDef echo = t.function("EchoFunction");
        assertThat(echo.handlerClass()).isEqualTo("io.veryfikeys.localstack.fixtures.EchoHandler");
        assertThat(echo.handlerMethod()).contains("handleRequest");
        assertThat(echo.timeoutSeconds()).isEqualTo(20);
        assertThat(echo.alias()).isEqualTo("live");
        assertThat(echo.environment()).containsOnlyKeys("ALERT_TOPIC_ARN", "STAGE", "ECHO_PREFIX");
        assertThat(t.function("StreamEchoFunction").timeoutSeconds()).isEqualTo(7);
        assertThat(t.function("StreamEchoFunction").handlerMethod()).isEmpty();
        assertThat(t.topics()).containsOnlyKeys("AlertTopic", "RotatedTopic");
        assertThat(t.stateMachines()).containsOnlyKeys("TestFlow", "OtherFlow");
        assertThat(t.stateMachine("TestFlow").definitionUri())
                .isEqualTo("statemachine/catch-flow.asl.json");
        assertThat(t.parameters().get("GracePeriodSeconds").defaultValue()).isEqualTo("5");
        assertThat(t.parameters().get("AlertEmail").defaultValue()).isEmpty();
        assertThat(t.tree().path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    }

    @Test
    void resolvesEveryIntrinsic() {
        SamTemplate t = SamTemplate.load(FIXTURE);
        SamTemplate.Resolver r = t.resolver("us-east-1", "123456789012", Map.of());
        Map<String, String> subs =
                r.resolveAll(t.stateMachine("TestFlow").substitutions(), "TestFlow");
        String fn = "arn:aws:lambda:us-east-1:123456789012:function:";
        assertThat(subs)
                .containsEntry("EchoFunctionArn", fn + "EchoFunction:live")
                .containsEntry("EchoPlainArn", fn + "EchoFunction")
                .containsEntry("FailingFunctionArn", fn + "FailingFunction")
                .containsEntry("AlertTopicArn", "arn:aws:sns:us-east-1:123456789012:local-alerts")
                .containsEntry("AlertTopicName", "local-alerts")
                .containsEntry("Region", "us-east-1")
                .containsEntry("Account", "123456789012")
                .containsEntry("Partition", "aws")
                .containsEntry("GraceSeconds", "5")
                .containsEntry(
                        "SubString",
                        "arn:aws:states:us-east-1:123456789012:stateMachine:other-flow")
                .containsEntry("SubGetAtt", fn + "EchoFunction|local-alerts|${Literal}")
                .containsEntry("SubWithVars", "hello-dev")
                .containsEntry("Joined", "dev/us-east-1")
                .containsEntry("SecondRegion", "eu-west-1")
                .containsEntry("StageKind", "non-production")
                .containsEntry("EmailOrNone", "none")
                .containsEntry(
                        "SelfArn", "arn:aws:states:us-east-1:123456789012:stateMachine:other-flow");

        Map<String, String> env =
                r.resolveAll(t.function("SecretWriterFunction").environment(), "env");
        assertThat(env)
                .containsEntry(
                        "STATE_MACHINE_ARN",
                        "arn:aws:states:us-east-1:123456789012:stateMachine:TestFlow")
                .containsEntry("ROTATED_TOPIC_NAME", "RotatedTopic")
                .containsEntry("ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:local-alerts")
                .containsEntry("STAGE", "dev");
    }

    @Test
    void parameterOverridesWin() {
        SamTemplate t = SamTemplate.load(FIXTURE);
        SamTemplate.Resolver r =
                t.resolver(
                        "us-east-1",
                        "123456789012",
                        Map.of("Stage", "prod", "AlertEmail", "ops@example.com"));
        Map<String, String> subs =
                r.resolveAll(t.stateMachine("TestFlow").substitutions(), "TestFlow");
        assertThat(subs)
                .containsEntry("StageKind", "production")
                .containsEntry("EmailOrNone", "ops@example.com")
                .containsEntry("Joined", "prod/us-east-1");
        assertThatThrownBy(() -> t.resolver("us-east-1", "1", Map.of("Nope", "x")))
                .hasMessageContaining("Nope");
    }

    @Test
    void unsupportedIntrinsicNamesItAndWhere(@TempDir Path dir) throws IOException {
        Path tpl = dir.resolve("template.yaml");
        Files.writeString(
                tpl,
                """
                Resources:
                  F:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y
                      Environment:
                        Variables:
                          IMPORTED: !ImportValue shared-thing
                          BUCKET: !Ref SomeBucket
                """);
        SamTemplate t = SamTemplate.load(tpl);
        SamTemplate.Resolver r = t.resolver("us-east-1", "123456789012", Map.of());
        assertThatThrownBy(
                        () ->
                                r.resolve(
                                        t.function("F").environment().get("IMPORTED"),
                                        "F.Environment.Variables.IMPORTED"))
                .hasMessageContaining("Fn::ImportValue")
                .hasMessageContaining("F.Environment.Variables.IMPORTED");
        assertThatThrownBy(
                        () ->
                                r.resolve(
                                        t.function("F").environment().get("BUCKET"),
                                        "F.Environment.Variables.BUCKET"))
                .hasMessageContaining("SomeBucket")
                .hasMessageContaining("F.Environment.Variables.BUCKET");
    }
}
