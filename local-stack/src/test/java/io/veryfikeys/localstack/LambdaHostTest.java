package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.fixtures.EchoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LocalAwsStackExtension.class)
@LocalStackTemplate("src/test/resources/test-template.yaml")
class LambdaHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final LocalAwsStack stack;

    LambdaHostTest(LocalAwsStack stack) {
        this.stack = stack;
    }

    private LocalAwsStack.Invocation invoke(String functionName, String body) {
        return stack.invoke(functionName, body);
    }

    @Test
    void requestsSignedWithAKeyTheStackNeverIssuedAre403() throws Exception {
        LocalAwsStack.Invocation r =
                stack.invoke(
                        "EchoFunction", "{\"message\":\"hi\"}", "AKIANEVERISSUED00001", "secret");
        assertThat(r.status()).isEqualTo(403);
        assertThat(java.util.Optional.ofNullable(r.errorType()))
                .contains("UnrecognizedClientException");

        HttpResponse<String> unsigned =
                http.send(
                        HttpRequest.newBuilder(
                                        stack.lambdaHost()
                                                .endpoint()
                                                .resolve(
                                                        "/2015-03-31/functions/EchoFunction/invocations"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);

        SecretsManagerClient stranger =
                SecretsManagerClient.builder()
                        .endpointOverride(stack.endpoint())
                        .region(stack.region())
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("test", "test")))
                        .build();
        assertThatThrownBy(() -> stranger.listSecrets())
                .hasMessageContaining("The security token included in the request is invalid")
                .hasMessageContaining("403");
        stranger.close();
    }

    @Test
    void invokesRequestHandlerByAnyNameForm() throws Exception {
        int before = stack.lambdaHost().invocationCount("EchoFunction");
        for (String name :
                new String[] {
                    "EchoFunction",
                    "EchoFunction:live",
                    "arn:aws:lambda:us-east-1:123456789012:function:EchoFunction",
                    "arn:aws:lambda:us-east-1:123456789012:function:EchoFunction:live",
                    "123456789012:function:EchoFunction"
                }) {
            LocalAwsStack.Invocation r = invoke(name, "{\"account\":\"acme\"}");
            assertThat(r.status()).as(name).isEqualTo(200);
            assertThat(r.executedVersion()).isEqualTo("$LATEST");
            assertThat(java.util.Optional.ofNullable(r.functionError())).isEmpty();
            JsonNode out = JSON.readTree(r.payload());
            assertThat(out.at("/input/account").asText()).isEqualTo("acme");
            assertThat(out.path("function").asText()).isEqualTo("EchoFunction");
            assertThat(out.path("prefix").asText()).isEqualTo("echo-dev"); // template env, resolved
            assertThat(out.path("remainingMillis").asInt())
                    .isBetween(15_000, 20_000); // template Timeout 20
        }
        assertThat(stack.lambdaHost().invocationCount("EchoFunction")).isEqualTo(before + 5);
    }

    @Test
    void warmInstanceIsReusedUntilColdStart() throws Exception {
        int first = JSON.readTree(invoke("EchoFunction", "{}").payload()).path("instance").asInt();
        assertThat(JSON.readTree(invoke("EchoFunction", "{}").payload()).path("instance").asInt())
                .isEqualTo(first);
        stack.lambdaHost().coldStart("EchoFunction");
        int after = JSON.readTree(invoke("EchoFunction", "{}").payload()).path("instance").asInt();
        assertThat(after).isNotEqualTo(first).isEqualTo(EchoHandler.CONSTRUCTED.get());
    }

    @Test
    void streamHandlerGetsAndReturnsRawBytes() throws Exception {
        LocalAwsStack.Invocation r = invoke("StreamEchoFunction", "{\"raw\": [1, 2,3]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.payload()).isEqualTo("{\"raw\": [1, 2,3]}");
    }

    @Test
    void handlerExceptionIsAnUnhandledFunctionErrorWithTheFullyQualifiedName() throws Exception {
        LocalAwsStack.Invocation r = invoke("FailingFunction", "{\"account\":\"acme\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(java.util.Optional.ofNullable(r.functionError())).contains("Unhandled");
        JsonNode err = JSON.readTree(r.payload());
        assertThat(err.path("errorType").asText())
                .isEqualTo("io.veryfikeys.localstack.fixtures.BoomException");
        assertThat(err.path("errorMessage").asText()).isEqualTo("boom for acme");
    }

    @Test
    void unknownFunctionIs404ResourceNotFound() throws Exception {
        LocalAwsStack.Invocation r = invoke("NoSuchFunction", "{}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(java.util.Optional.ofNullable(r.errorType()))
                .contains("ResourceNotFoundException");
        assertThat(JSON.readTree(r.payload()).path("Message").asText())
                .isEqualTo("Function not found: NoSuchFunction");
    }

    @Test
    void handlerUsesDefaultSdkClientAgainstMoto() throws Exception {
        LocalAwsStack.Invocation r =
                invoke(
                        "SecretWriterFunction",
                        "{\"name\":\"written-by-handler\",\"value\":\"v1\"}");
        assertThat(java.util.Optional.ofNullable(r.functionError())).as(r.payload()).isEmpty();
        JsonNode out = JSON.readTree(r.payload());
        assertThat(out.path("arn").asText())
                .startsWith(
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:written-by-handler");
        assertThat(out.path("stateMachineArn").asText())
                .isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:TestFlow");
        assertThat(out.path("rotatedTopicName").asText()).isEqualTo("RotatedTopic");
        assertThat(
                        stack.secretsManager()
                                .getSecretValue(g -> g.secretId("written-by-handler"))
                                .secretString())
                .isEqualTo("v1");
    }

    @Test
    void everythingElseIsForwardedToMoto() {
        stack.secretsManager().createSecret(r -> r.name("through-the-host").secretString("s3cr3t"));
        try (SecretsManagerClient direct =
                SecretsManagerClient.builder()
                        .endpointOverride(stack.motoEndpoint())
                        .region(stack.region())
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("test", "test")))
                        .build()) {
            assertThat(direct.getSecretValue(g -> g.secretId("through-the-host")).secretString())
                    .isEqualTo("s3cr3t");
        }
        assertThat(stack.sns().listTopics().topics())
                .extracting(t -> t.topicArn())
                .contains(stack.topicArn("AlertTopic"), stack.topicArn("RotatedTopic"));
    }

    @Test
    void awsCallListenersHearOfEachCallWithItsStatusBeforeTheCallerHasItsAnswer() {
        List<LambdaHost.AwsCall> heard = new CopyOnWriteArrayList<>();
        LambdaHost.AwsCallListener listener = heard::add;
        stack.lambdaHost().addAwsCallListener(listener);
        try {
            stack.secretsManager()
                    .createSecret(
                            r ->
                                    r.name("heard-by-listener")
                                            .secretString("value-not-in-any-event"));
            assertThat(heard)
                    .filteredOn(c -> "CreateSecret".equals(c.operation()))
                    .containsExactly(
                            new LambdaHost.AwsCall(
                                    "client", "secretsmanager", "CreateSecret", 200));

            stack.lambdaHost()
                    .injectAwsFault(
                            LambdaHost.AwsFault.of(
                                            "secretsmanager.GetSecretValue",
                                            400,
                                            "InvalidRequestException")
                                    .whenBodyContains("heard-by-listener"));
            assertThatThrownBy(
                            () ->
                                    stack.secretsManager()
                                            .getSecretValue(g -> g.secretId("heard-by-listener")))
                    .hasMessageContaining("injected by the local stack");
            assertThat(heard)
                    .filteredOn(c -> "GetSecretValue".equals(c.operation()))
                    .containsExactly(
                            new LambdaHost.AwsCall(
                                    "client", "secretsmanager", "GetSecretValue", 400));

            try (SecretsManagerClient stranger =
                    SecretsManagerClient.builder()
                            .endpointOverride(stack.endpoint())
                            .region(stack.region())
                            .httpClientBuilder(UrlConnectionHttpClient.builder())
                            .credentialsProvider(
                                    StaticCredentialsProvider.create(
                                            AwsBasicCredentials.create("test", "test")))
                            .build()) {
                assertThatThrownBy(stranger::listSecrets).hasMessageContaining("403");
            }
            assertThat(heard)
                    .filteredOn(c -> "ListSecrets".equals(c.operation()))
                    .isNotEmpty()
                    .allSatisfy(
                            c ->
                                    assertThat(c)
                                            .isEqualTo(
                                                    new LambdaHost.AwsCall(
                                                            null,
                                                            "secretsmanager",
                                                            "ListSecrets",
                                                            403)));
            invoke("EchoFunction", "{}");
            assertThat(heard)
                    .filteredOn(c -> "lambda".equals(c.service()))
                    .containsExactly(
                            new LambdaHost.AwsCall("client", "lambda", "InvokeFunction", 200));
            assertThat(heard.toString()).doesNotContain("value-not-in-any-event");
        } finally {
            stack.lambdaHost().removeAwsCallListener(listener);
            stack.lambdaHost().clearAwsFaults("heard-by-listener");
        }
    }
}
