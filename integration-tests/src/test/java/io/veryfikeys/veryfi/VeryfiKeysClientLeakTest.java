package io.veryfikeys.veryfi;

import io.veryfikeys.simulator.Endpoint;
import io.veryfikeys.simulator.Fault;
import io.veryfikeys.simulator.SimulatedKey;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static io.veryfikeys.veryfi.SimulatorFixture.account;
import static io.veryfikeys.veryfi.SimulatorFixture.bounded;
import static io.veryfikeys.veryfi.SimulatorFixture.fastClient;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs create/list/delete/reset, failures and retries included, with known key values and a client
 * secret, and asserts that none of them shows up in anything observable: log lines, stdout/stderr,
 * exception messages, toStrings and stack traces, or what the simulator recorded.
 */
class VeryfiKeysClientLeakTest {
    private static final String CLIENT_SECRET = "leak-test-CLIENT-SECRET-0123456789";

    @Test
    void noKeyValueNorClientSecretLeaks() {
        ByteArrayOutputStream logBuffer = new ByteArrayOutputStream();
        ByteArrayOutputStream stdBuffer = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        PrintStream capture = new PrintStream(stdBuffer, true, StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        StringBuilder toStrings = new StringBuilder();
        String recorded;

        secrets.add(CLIENT_SECRET);
        Log.redirect(new PrintStream(logBuffer, true, StandardCharsets.UTF_8));
        System.setOut(capture);
        System.setErr(capture);
        try (VeryfiSimulator sim = VeryfiSimulator.start(0)) {
            VeryfiKeysClient client = fastClient();
            SimulatedKey first = sim.createAccount("leak-client", "lee", CLIENT_SECRET);
            secrets.add(first.value());
            VeryfiAccount acct = account(sim.baseUrl(), "leak-client", "lee", CLIENT_SECRET);
            SecretValue k1 = SecretValue.of(first.value());
            toStrings.append(acct).append(client).append(k1).append(first);

            // list with a 429 and a dropped connection on the way
            sim.inject(Fault.rateLimit(Endpoint.LIST, Duration.ofSeconds(1)));
            sim.inject(Fault.drop(Endpoint.LIST));
            toStrings.append(bounded(() -> client.listKeyIds(acct, k1)));

            // create through two 503s
            sim.inject(Fault.serverError(Endpoint.CREATE, 503).times(2));
            ApiKey k2 = bounded(() -> client.createKey(acct, k1));
            secrets.add(k2.value().reveal());
            toStrings.append(k2);

            // a third key is refused
            failures.add(capture(() -> client.createKey(acct, k2.value())));
            // wrong key, wrong secret, unknown id, last key later
            failures.add(
                    capture(
                            () ->
                                    client.listKeyIds(
                                            acct, SecretValue.of("wrong-" + first.value()))));
            failures.add(
                    capture(
                            () ->
                                    client.listKeyIds(
                                            account(
                                                    sim.baseUrl(),
                                                    "leak-client",
                                                    "lee",
                                                    "other-secret"),
                                            k1)));
            failures.add(
                    capture(
                            () -> {
                                client.deleteKey(acct, k1, 424242);
                                return null;
                            }));

            // delete the first key through a 500
            sim.inject(Fault.serverError(Endpoint.DELETE, 500));
            bounded(() -> client.deleteKey(acct, k2.value(), first.id()));
            failures.add(
                    capture(
                            () -> {
                                client.deleteKey(acct, k2.value(), k2.id());
                                return null;
                            }));

            // reset through a 429, then a reset whose response is lost
            sim.inject(Fault.rateLimit(Endpoint.RESET, Duration.ofMillis(200)));
            List<ApiKey> fresh = bounded(() -> client.resetKeys(acct, k2.value()));
            fresh.forEach(k -> secrets.add(k.value().reveal()));
            toStrings.append(fresh);
            failures.add(capture(() -> client.listKeyIds(acct, k2.value()))); // old key: 401

            // a dropped create after commit: its value is lost to us, nothing to check for it
            sim.inject(Fault.dropAfterCommit(Endpoint.CREATE));
            failures.add(capture(() -> client.createKey(acct, fresh.getFirst().value())));
            // an unreachable Veryfi, and permanent 5xx
            failures.add(
                    capture(
                            () ->
                                    client.listKeyIds(
                                            account(
                                                    java.net.URI.create(
                                                            "http://127.0.0.1:"
                                                                    + SimulatorFixture
                                                                            .closedPort()),
                                                    "leak-client",
                                                    "lee",
                                                    CLIENT_SECRET),
                                            fresh.getFirst().value())));
            sim.inject(Fault.serverError(Endpoint.RESET, 503).always());
            failures.add(capture(() -> client.resetKeys(acct, fresh.getFirst().value())));
            sim.clearFaults();
            sim.inject(Fault.latency(Endpoint.LIST, Duration.ofSeconds(2)).always());
            failures.add(capture(() -> client.listKeyIds(acct, fresh.getFirst().value())));
            sim.clearFaults();

            recorded = sim.requests().toString();
            assertThat(sim.requests()).hasSizeGreaterThan(15);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Log.redirect(null);
        }

        StringWriter traces = new StringWriter();
        try (PrintWriter writer = new PrintWriter(traces)) {
            for (Throwable t : failures) {
                writer.println(t);
                writer.println(t.getMessage());
                t.printStackTrace(writer);
            }
        }
        String logs = logBuffer.toString(StandardCharsets.UTF_8);
        String std = stdBuffer.toString(StandardCharsets.UTF_8);

        // the run did exercise what it claims to
        assertThat(failures)
                .hasSize(10)
                .allSatisfy(t -> assertThat(t).isInstanceOf(VeryfiException.class));
        assertThat(failures)
                .extracting(t -> t.getClass().getSimpleName())
                .contains(
                        "KeyLimitReachedException",
                        "VeryfiAuthException",
                        "KeyNotFoundException",
                        "LastKeyException",
                        "VeryfiUnavailableException");
        assertThat(logs)
                .contains(
                        "\"event\":\"veryfi.retry\"",
                        "\"event\":\"veryfi.call\"",
                        "\"traceId\":\"");
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(4);

        for (String secret : secrets) {
            assertThat(logs).as("log lines").doesNotContain(secret);
            assertThat(std).as("stdout/stderr").doesNotContain(secret);
            assertThat(traces.toString()).as("exceptions").doesNotContain(secret);
            assertThat(toStrings.toString()).as("toString").doesNotContain(secret);
            assertThat(recorded).as("simulator records").doesNotContain(secret);
        }
        assertThat(logs + std + traces).doesNotContainIgnoringCase("apikey ");
    }

    private static Throwable capture(Supplier<?> call) {
        try {
            bounded(call);
        } catch (VeryfiException e) {
            return e;
        }
        throw new AssertionError("expected a VeryfiException");
    }
}
