package io.veryfikeys.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.MotoServer;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consumer library against moto over the wire (Secrets Manager, DynamoDB) and the Veryfi
 * simulator over HTTP: the key it holds, the retry on a revoked key, the check-in record and the
 * health endpoint.
 */
class VeryfiKeyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TABLE = "check-ins";
    static final AtomicInteger ACCOUNTS = new AtomicInteger();

    static MotoServer moto;
    static VeryfiSimulator veryfi;
    static SecretsManagerClient secrets;
    static DynamoDbClient dynamo;
    static final StringBuilder LOGGED = new StringBuilder();

    @BeforeAll
    static void start() {
        moto = MotoServer.start(0, null);
        veryfi = VeryfiSimulator.start(0);
        var credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        secrets =
                SecretsManagerClient.builder()
                        .endpointOverride(moto.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
        dynamo =
                DynamoDbClient.builder()
                        .endpointOverride(moto.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
        dynamo.createTable(
                r ->
                        r.tableName(TABLE)
                                .billingMode("PAY_PER_REQUEST")
                                .keySchema(k -> k.attributeName("consumer").keyType("HASH"))
                                .attributeDefinitions(
                                        a -> a.attributeName("consumer").attributeType("S")));
        Logger.getLogger(VeryfiKey.class.getName())
                .addHandler(
                        new Handler() {
                            @Override
                            public void publish(LogRecord record) {
                                synchronized (LOGGED) {
                                    LOGGED.append(record.getMessage()).append('\n');
                                }
                            }

                            @Override
                            public void flush() {}

                            @Override
                            public void close() {}
                        });
    }

    @AfterAll
    static void stop() {
        // Nothing the library logged names a key value the simulator ever issued.
        for (String issued : veryfi.issuedKeyValues()) {
            assertThat(LOGGED.toString()).doesNotContain(issued);
        }
        secrets.close();
        dynamo.close();
        veryfi.close();
        moto.close();
    }

    record Account(String secretId, String clientId, SimulatedKey first) {}

    private static Account account() {
        int n = ACCOUNTS.incrementAndGet();
        String secretId = "veryfi/lib-" + n;
        String clientId = "vf_lib_" + n;
        SimulatedKey key = veryfi.createAccount(clientId, "lib" + n, "secret-" + n);
        secrets.createSecret(r -> r.name(secretId).secretString(secretJson(clientId, n, key)));
        return new Account(secretId, clientId, key);
    }

    private static String secretJson(String clientId, int n, SimulatedKey key) {
        return JSON.createObjectNode()
                .put("clientId", clientId)
                .put("username", "lib" + n)
                .put("apiKey", key.value())
                .put("apiKeyId", key.id())
                .put("clientSecret", "secret-" + n)
                .put("baseUrl", veryfi.baseUrl().toString())
                .toString();
    }

    /**
     * A rotation's effect, done by hand: a new key in AWSCURRENT, the old one deleted at Veryfi.
     */
    private static SimulatedKey rotate(Account account, VeryfiKey holder) throws Exception {
        SimulatedKey next = veryfi.addKey(account.clientId());
        int n = Integer.parseInt(account.secretId().replaceAll("\\D", ""));
        secrets.putSecretValue(
                r ->
                        r.secretId(account.secretId())
                                .secretString(secretJson(account.clientId(), n, next)));
        try (VeryfiKey operator =
                VeryfiKey.forSecret(account.secretId()).secretsManager(secrets).start()) {
            assertThat(
                            operator.send(
                                            "DELETE",
                                            "/api/v8/partner/client-keys/" + account.first().id(),
                                            null)
                                    .statusCode())
                    .isEqualTo(204);
        }
        assertThat(holder.current().keyId())
                .as("the holder has not noticed yet")
                .isEqualTo(account.first().id());
        return next;
    }

    @Test
    void aRevokedKeyIsReplacedOnItsFirst401AndTheCallerSeesOnlyTheAnswerWithTheNewKey()
            throws Exception {
        Account account = account();
        try (VeryfiKey key =
                VeryfiKey.forSecret(account.secretId()).secretsManager(secrets).start()) {
            assertThat(key.send("GET", "/api/v8/partner/client-keys", null).statusCode())
                    .isEqualTo(200);
            SimulatedKey next = rotate(account, key);

            HttpResponse<String> answer = key.send("GET", "/api/v8/partner/client-keys", null);

            assertThat(answer.statusCode())
                    .as("no rejected business call after the retry")
                    .isEqualTo(200);
            assertThat(key.current().keyId()).isEqualTo(next.id());
            assertThat(key.healthy()).isTrue();
            assertThat(key.current().toString()).doesNotContain(next.value());
        }
    }

    @Test
    void aRefusedKeyThatIsStillCurrentIsNotRetriedAndTheCheckInSaysUnhealthy() throws Exception {
        Account account = account();
        try (VeryfiKey key =
                VeryfiKey.forSecret(account.secretId())
                        .secretsManager(secrets)
                        .checkIn("batch", TABLE)
                        .checkInEndpoint(moto.endpoint())
                        .start()) {
            // The key AWSCURRENT holds is deleted at Veryfi (by hand, with another key).
            SimulatedKey other = veryfi.addKey(account.clientId());
            int n = Integer.parseInt(account.secretId().replaceAll("\\D", ""));
            String side = account.secretId() + "-side";
            secrets.createSecret(
                    r -> r.name(side).secretString(secretJson(account.clientId(), n, other)));
            try (VeryfiKey operator = VeryfiKey.forSecret(side).secretsManager(secrets).start()) {
                operator.send(
                        "DELETE", "/api/v8/partner/client-keys/" + account.first().id(), null);
            }
            long before = veryfi.requests().size();

            HttpResponse<String> answer = key.send("GET", "/api/v8/partner/client-keys", null);

            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(veryfi.requests().size() - before)
                    .as("one call: AWSCURRENT holds the same key, a retry would fail the same way")
                    .isEqualTo(1);
            assertThat(key.healthy()).isFalse();
            assertThat(record(account.secretId() + "#batch").get("healthy").bool()).isFalse();
        }
    }

    @Test
    void checksInAtStartAndWhenTheKeyChanges() throws Exception {
        Account account = account();
        try (VeryfiKey key =
                VeryfiKey.forSecret(account.secretId())
                        .secretsManager(secrets)
                        .checkIn("invoice-worker", TABLE)
                        .checkInEndpoint(moto.endpoint())
                        .start()) {
            Map<String, AttributeValue> first = record(account.secretId() + "#invoice-worker");
            assertThat(first.get("keyId").n()).isEqualTo(Long.toString(account.first().id()));
            assertThat(first.get("kind").s()).isEqualTo("check-in");
            assertThat(first.get("healthy").bool()).isTrue();
            assertThat(Long.parseLong(first.get("expiresAt").n()))
                    .isGreaterThan(System.currentTimeMillis() / 1000);

            SimulatedKey next = rotate(account, key);
            key.keyRotated();

            assertThat(record(account.secretId() + "#invoice-worker").get("keyId").n())
                    .isEqualTo(Long.toString(next.id()));
        }
    }

    @Test
    void theKeyRotatedEventOfItsOwnSecretMakesItReadTheNewKeyAndAnotherSecretsDoesNot()
            throws Exception {
        Account account = account();
        try (VeryfiKey key =
                VeryfiKey.forSecret(account.secretId()).secretsManager(secrets).start()) {
            SimulatedKey next = rotate(account, key);
            String other =
                    "{\"secretId\":\"veryfi/someone-else\",\"keyId\":"
                            + next.id()
                            + ",\"reason\":\"rotation\"}";
            String ours =
                    "{\"secretId\":\""
                            + account.secretId()
                            + "\",\"keyId\":"
                            + next.id()
                            + ",\"reason\":\"rotation\"}";
            // As SNS delivers it to an SQS queue: the event is the envelope's Message.
            String envelope =
                    JSON.createObjectNode()
                            .put("Type", "Notification")
                            .put("Message", ours)
                            .toString();

            assertThat(key.onKeyRotatedMessage(other)).isFalse();
            assertThat(key.current().keyId()).isEqualTo(account.first().id());
            assertThat(key.onKeyRotatedMessage(envelope)).isTrue();
            assertThat(key.current().keyId()).isEqualTo(next.id());
            assertThat(key.onKeyRotatedMessage(ours)).as("already on that key").isFalse();
            assertThat(key.onKeyRotatedMessage("not json")).isFalse();
        }
    }

    @Test
    void servesTheHealthContract() throws Exception {
        Account account = account();
        try (VeryfiKey key =
                VeryfiKey.forSecret(account.secretId())
                        .secretsManager(secrets)
                        .serveHealth(0)
                        .start()) {
            HttpResponse<String> health =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + key.healthPort()
                                                                    + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("keyId").asLong())
                    .isEqualTo(account.first().id());
            assertThat(JSON.readTree(health.body()).path("healthy").asBoolean()).isTrue();
        }
    }

    @Test
    void aSecretThatIsNoAccountIsNamedWithoutItsContent() {
        secrets.createSecret(
                r -> r.name("veryfi/not-an-account").secretString("{\"apiKey\":\"hunter2\"}"));
        assertThatThrownBy(
                        () ->
                                VeryfiKey.forSecret("veryfi/not-an-account")
                                        .secretsManager(secrets)
                                        .start())
                .hasMessageContaining("veryfi/not-an-account")
                .hasMessageNotContaining("hunter2");
    }

    private static Map<String, AttributeValue> record(String id) {
        return dynamo.getItem(
                        r -> r.tableName(TABLE).key(Map.of("consumer", AttributeValue.fromS(id))))
                .item();
    }
}
