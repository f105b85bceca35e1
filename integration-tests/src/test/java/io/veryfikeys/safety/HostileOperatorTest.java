package io.veryfikeys.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.veryfikeys.stack.LocalStackTest;
import io.veryfikeys.stack.RotationHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, the "hostile operator" family: someone who may write an account's secret (or the
 * registry, or invoke a function) but should not get its key or delete keys. Runs on the local
 * stack's faithful runtime, whose test mode lets keys go to the simulator's loopback port only.
 */
class HostileOperatorTest extends LocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<RotationHarness.Execution> executions = new ArrayList<>();
    private final List<String> decoyRequests = new CopyOnWriteArrayList<>();
    private HttpServer decoy;

    /** A server on another loopback port that records every request (with its Authorization header). */
    @BeforeEach
    void startDecoy() throws Exception {
        decoy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        decoy.createContext("/", exchange -> {
            decoyRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " authorization="
                    + (exchange.getRequestHeaders().getFirst("Authorization") != null));
            byte[] body = "{\"client_keys\":[]}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        decoy.start();
    }

    @AfterEach
    void stopDecoy() {
        decoy.stop(0);
        harness.assertNoKeyLeaked(executions);
    }

    /**
     * A secret writer points baseUrl elsewhere (another host, plain http, another loopback port,
     * query, fragment, user-info and path tricks): the rotation is BLOCKED naming baseUrl, and no
     * request reaches the decoy or Veryfi. Before, every call went to the baseUrl with the key.
     */
    @Test
    void aSecretWhoseBaseUrlPointsElsewhereSendsNothingAnywhere() throws Exception {
        String decoyUrl = "http://127.0.0.1:" + decoy.getAddress().getPort();
        String simulator = harness.veryfi.baseUrl().toString().replaceAll("/+$", "");
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("another loopback port", decoyUrl);
        hostile.put("localhost, another port", "http://localhost:" + decoy.getAddress().getPort());
        hostile.put("query hides the path", decoyUrl + "/?x=");
        hostile.put("fragment", simulator + "#" + decoyUrl);
        hostile.put("user-info look-alike", "http://127.0.0.1:" + harness.veryfi.baseUrl().getPort() + "@127.0.0.1:"
                + decoy.getAddress().getPort());
        hostile.put("a path of its choosing", simulator + "/steal");
        hostile.put("plain http to Veryfi's host", "http://api.veryfi.com");
        hostile.put("a look-alike host", "https://api.veryfi.com.example.invalid");

        Map<String, RotationHarness.Account> accounts = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        for (var entry : hostile.entrySet()) {
            RotationHarness.Account account = harness.account(0, Duration.ZERO);
            ObjectNode secret = (ObjectNode) JSON.readTree(harness.secrets.getSecretValue(b -> b.secretId(account.secretId())
                    .versionStage("AWSCURRENT")).secretString());
            secret.put("baseUrl", entry.getValue());
            harness.secrets.putSecretValue(b -> b.secretId(account.secretId()).secretString(secret.toString()));
            accounts.put(entry.getKey(), account);
            arns.put(entry.getKey(), harness.start(account.secretId(), FaultMatrixTest.FAST));
        }
        for (var entry : arns.entrySet()) {
            RotationHarness.Execution execution = harness.await(entry.getValue(), Duration.ofSeconds(60));
            executions.add(execution);
            RotationHarness.Account account = accounts.get(entry.getKey());
            assertThat(execution.statesEntered()).as(entry.getKey()).doesNotContain("CreateKey");
            assertThat(execution.historyText()).as(entry.getKey()).contains("baseUrl");
            assertThat(harness.veryfi.requests()).as(entry.getKey())
                    .noneMatch(r -> account.clientId().equals(r.clientId()));
            assertThat(harness.awaitAlert(account.secretId(), "BLOCKED", Duration.ofSeconds(20)).path("cause").asText())
                    .as(entry.getKey()).contains("baseUrl").contains("nothing was sent");
        }
        // and the incident reset, which also tries the fallback keys, sends nothing either
        RotationHarness.Account resetTarget = accounts.get("another loopback port");
        RotationHarness.Invoked reset = harness.invoke("ResetFunction", "{\"secretId\":\"" + resetTarget.secretId()
                + "\",\"reason\":\"hostile\",\"confirm\":\"" + resetTarget.secretId() + "\"}");
        assertThat(reset.functionError()).isNotNull();
        assertThat(reset.payload()).contains("baseUrl");
        assertThat(decoyRequests).as("requests that reached the decoy").isEmpty();
    }
}
