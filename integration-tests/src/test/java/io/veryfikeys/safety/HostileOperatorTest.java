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

    /**
     * A server on another loopback port that records every request (with its Authorization header).
     */
    @BeforeEach
    void startDecoy() throws Exception {
        decoy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        decoy.createContext(
                "/",
                exchange -> {
                    decoyRequests.add(
                            exchange.getRequestMethod()
                                    + " "
                                    + exchange.getRequestURI()
                                    + " authorization="
                                    + (exchange.getRequestHeaders().getFirst("Authorization")
                                            != null));
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
        hostile.put(
                "user-info look-alike",
                "http://127.0.0.1:"
                        + harness.veryfi.baseUrl().getPort()
                        + "@127.0.0.1:"
                        + decoy.getAddress().getPort());
        hostile.put("a path of its choosing", simulator + "/steal");
        hostile.put("plain http to Veryfi's host", "http://api.veryfi.com");
        hostile.put("a look-alike host", "https://api.veryfi.com.example.invalid");

        Map<String, Refused> refused =
                rotateEachExpectingBlocked(
                        hostile,
                        (account, baseUrl) -> {
                            try {
                                ObjectNode secret =
                                        (ObjectNode)
                                                JSON.readTree(
                                                        harness.secrets
                                                                .getSecretValue(
                                                                        b ->
                                                                                b.secretId(
                                                                                                account
                                                                                                        .secretId())
                                                                                        .versionStage(
                                                                                                "AWSCURRENT"))
                                                                .secretString());
                                secret.put("baseUrl", baseUrl);
                                harness.secrets.putSecretValue(
                                        b ->
                                                b.secretId(account.secretId())
                                                        .secretString(secret.toString()));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        refused.forEach(
                (why, r) -> {
                    assertThat(r.execution().historyText()).as(why).contains("baseUrl");
                    assertThat(harness.veryfi.requests())
                            .as(why)
                            .noneMatch(q -> r.account().clientId().equals(q.clientId()));
                    assertThat(r.cause()).as(why).contains("baseUrl").contains("nothing was sent");
                });
        // and the incident reset, which also tries the fallback keys, sends nothing either
        RotationHarness.Account resetTarget = refused.get("another loopback port").account();
        RotationHarness.Invoked reset =
                harness.invoke(
                        "ResetFunction",
                        "{\"secretId\":\""
                                + resetTarget.secretId()
                                + "\",\"reason\":\"hostile\",\"confirm\":\""
                                + resetTarget.secretId()
                                + "\"}");
        assertThat(reset.functionError()).isNotNull();
        assertThat(reset.payload()).contains("baseUrl");
        assertThat(decoyRequests).as("requests that reached the decoy").isEmpty();
    }

    /**
     * Someone who may invoke the step functions, during a real rotation whose consumer is still on
     * the old key, hands DeleteOldKey the real state with the consumer list emptied, Revert's
     * discard a "new key" that is the old one, and Promote a plan that moves AWSCURRENT back.
     * Before, the first two deleted the key the consumer uses. Now each is checked against the
     * execution's own history, refused, and alerted; no key is touched. Then one forged state per
     * step naming an execution that does not exist: refused alike.
     */
    @Test
    void stepsInvokedDirectlyWithForgedStatesAreRefusedAndAlert() throws Exception {
        RotationHarness.Account account = harness.account(1, Duration.ofSeconds(120));
        InvariantChecker checker = new InvariantChecker(harness, account, false);
        String arn = harness.start(account.secretId(), RotationHarness.settings(1, 1, 120, 0));
        harness.awaitState(arn, "WaitBeforeNextPoll");
        String genuine = null;
        for (var event : harness.execution(arn, null).history()) {
            if (event.stateExitedEventDetails() != null
                    && "PollConsumers".equals(event.stateExitedEventDetails().name())) {
                genuine = event.stateExitedEventDetails().output();
            }
        }
        assertThat(genuine).isNotNull();
        ObjectNode state = (ObjectNode) JSON.readTree(genuine);
        long oldKey = state.path("rollout").path("oldKeyId").asLong();
        long newKey = state.path("rollout").path("newKeyId").asLong();

        ObjectNode noConsumers = state.deepCopy();
        ((ObjectNode) noConsumers.get("plan")).putArray("consumers");
        ObjectNode oldKeyAsNew = state.deepCopy();
        ((ObjectNode) oldKeyAsNew.get("created"))
                .put("versionId", "00000000-0000-3000-8000-00000000f04d")
                .put("newKeyId", oldKey);
        oldKeyAsNew.remove("rollout");
        ObjectNode discard = JSON.createObjectNode().put("phase", "discard");
        discard.set("state", oldKeyAsNew);
        ObjectNode backwards = state.deepCopy();
        ((ObjectNode) backwards.get("plan"))
                .put("currentVersionId", state.path("rollout").path("newVersionId").asText());
        ((ObjectNode) backwards.get("created"))
                .put("versionId", state.path("rollout").path("oldVersionId").asText());

        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("DeleteOldKeyFunction", noConsumers.toString());
        forged.put("RevertFunction", discard.toString());
        forged.put("PromoteFunction", backwards.toString());
        for (var entry : forged.entrySet()) {
            RotationHarness.Invoked refused = harness.invoke(entry.getKey(), entry.getValue());
            assertThat(refused.functionError())
                    .as(entry.getKey() + ": " + refused.payload())
                    .isNotNull();
            assertThat(refused.payload())
                    .as(entry.getKey())
                    .contains("ForgedStateException")
                    .contains("refused");
            checker.check("after the forged " + entry.getKey());
        }
        assertThat(harness.veryfi.liveKeyIds(account.clientId()))
                .containsExactlyInAnyOrder(oldKey, newKey);
        assertThat(harness.credentials(account.secretId(), "AWSCURRENT").keyId()).isEqualTo(newKey);
        assertThat(
                        harness.alertsFor(account.secretId()).stream()
                                .filter(a -> "FORGED_STATE".equals(a.path("result").asText())))
                .hasSize(3);

        RotationHarness.Account other = harness.account(0, Duration.ZERO);
        long otherKey = other.initialKeyId();
        ForgedStates.against(harness, other)
                .forEach(
                        (function, payload) -> {
                            RotationHarness.Invoked refused = harness.invoke(function, payload);
                            assertThat(refused.payload())
                                    .as(function)
                                    .contains("ForgedStateException")
                                    .contains("does not exist");
                        });
        assertThat(harness.veryfi.liveKeyIds(other.clientId())).containsExactly(otherKey);

        harness.sfn.stopExecution(b -> b.executionArn(arn).cause("test over"));
        assertThat(checker.violations()).isEmpty();
    }

    /**
     * Someone who may write a consumer registry points a health URL at the function's own
     * surroundings (instance metadata, container credentials, the unspecified address, a number
     * that is the metadata address), or empties the list without saying why. Before, each was
     * accepted: the poller would read those endpoints, and an empty list let the old key go with no
     * check. Now each rotation is BLOCKED naming the entry, and nothing changes.
     */
    @Test
    void aRegistryPointingIntoTheFunctionsSurroundingsOrEmptiedWithoutAReasonIsRefused() {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(
                "instance metadata",
                "{\"consumers\":[{\"name\":\"m\",\"healthUrl\":\"http://169.254.169.254/latest/meta-data/\"}]}");
        hostile.put(
                "container credentials",
                "{\"consumers\":[{\"name\":\"c\",\"healthUrl\":\"http://169.254.170.2/v2/credentials\"}]}");
        hostile.put(
                "metadata over IPv6",
                "{\"consumers\":[{\"name\":\"m6\",\"healthUrl\":\"http://[fd00:ec2::254]/latest/\"}]}");
        hostile.put(
                "unspecified address",
                "{\"consumers\":[{\"name\":\"z\",\"healthUrl\":\"http://0.0.0.0:9001/\"}]}");
        hostile.put(
                "metadata as one number",
                "{\"consumers\":[{\"name\":\"n\",\"healthUrl\":\"http://2852039166/latest/\"}]}");
        hostile.put("empty without a reason", "{\"consumers\":[]}");
        rotateEachExpectingBlocked(
                        hostile,
                        (account, registry) ->
                                harness.ssm.putParameter(
                                        b ->
                                                b.name(
                                                                "/veryfi-key-rotation/consumers/"
                                                                        + account.secretId())
                                                        .type("String")
                                                        .value(registry)
                                                        .overwrite(true)))
                .forEach(
                        (why, r) -> {
                            assertThat(r.cause()).as(why).containsAnyOf("refused", "must say why");
                            assertThat(harness.veryfi.liveKeyIds(r.account().clientId()))
                                    .as(why)
                                    .containsExactly(r.account().initialKeyId());
                        });
    }

    private record Refused(
            RotationHarness.Account account, RotationHarness.Execution execution, String cause) {}

    /**
     * One account per hostile value, spoiled with it by {@code spoil}, all rotated at once: each
     * must end BLOCKED before CreateKey. Returns each one's account, execution and its alert's
     * cause.
     */
    private Map<String, Refused> rotateEachExpectingBlocked(
            Map<String, String> hostile,
            java.util.function.BiConsumer<RotationHarness.Account, String> spoil) {
        Map<String, RotationHarness.Account> accounts = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        hostile.forEach(
                (why, value) -> {
                    RotationHarness.Account account = harness.account(0, Duration.ZERO);
                    spoil.accept(account, value);
                    accounts.put(why, account);
                    arns.put(why, harness.start(account.secretId(), FaultMatrixTest.FAST));
                });
        Map<String, Refused> refused = new LinkedHashMap<>();
        arns.forEach(
                (why, arn) -> {
                    RotationHarness.Execution execution =
                            harness.await(arn, Duration.ofSeconds(60));
                    executions.add(execution);
                    RotationHarness.Account account = accounts.get(why);
                    assertThat(execution.statesEntered()).as(why).doesNotContain("CreateKey");
                    refused.put(
                            why,
                            new Refused(
                                    account,
                                    execution,
                                    harness.awaitAlert(
                                                    account.secretId(),
                                                    "BLOCKED",
                                                    Duration.ofSeconds(20))
                                            .path("cause")
                                            .asText()));
                });
        return refused;
    }
}
