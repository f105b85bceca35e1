package io.veryfikeys.veryfi;

import io.veryfikeys.simulator.RecordedRequest;
import io.veryfikeys.simulator.VeryfiSimulator;
import io.veryfikeys.support.SecretValue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Shared helpers of the contract tests: the real client over HTTP against the simulator. */
final class SimulatorFixture {
    /**
     * Short timeouts and backoff so that fault tests stay fast; the logic is the production one.
     */
    static final RetryPolicy FAST =
            new RetryPolicy(
                    4,
                    Duration.ofSeconds(6),
                    Duration.ofMillis(50),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(3));

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(600);

    /** Generous upper bound of any single client call in these tests. */
    static final Duration CALL_BOUND = Duration.ofSeconds(10);

    private SimulatorFixture() {}

    static VeryfiKeysClient fastClient() {
        return new VeryfiKeysClient(FAST, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    static VeryfiAccount account(
            URI baseUrl, String clientId, String username, String clientSecret) {
        return new VeryfiAccount(
                baseUrl,
                clientId,
                username,
                Optional.ofNullable(clientSecret).map(SecretValue::of));
    }

    static <T> T bounded(Supplier<T> call) {
        return assertTimeoutPreemptively(CALL_BOUND, call::get);
    }

    static void bounded(Runnable call) {
        assertTimeoutPreemptively(CALL_BOUND, call::run);
    }

    static List<RecordedRequest> requestsTo(VeryfiSimulator sim, String method, String pathSuffix) {
        return sim.requests().stream()
                .filter(r -> r.method().equals(method) && r.path().endsWith(pathSuffix))
                .toList();
    }

    /** A loopback port nothing listens on (connection refused). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
