package io.veryfikeys.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {

    @Test
    void baseUrlIsLoopbackWithoutTrailingSlash() {
        try (VeryfiSimulator sim = VeryfiSimulator.start(0)) {
            assertThat(sim.port()).isPositive();
            assertThat(sim.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + sim.port());
        }
    }

    @Test
    void closeReleasesThePort() throws IOException {
        VeryfiSimulator first = VeryfiSimulator.start(0);
        int port = first.port();
        Api.Creds c;
        Api api = new Api(first);
        c = api.account("a", null);
        assertThat(api.list(c).status()).isEqualTo(200);
        first.close();
        first.close(); // idempotent
        assertThatThrownBy(
                        () -> new Api(first, Api.newClient()).send("GET", Api.KEYS, Map.of(), null))
                .isInstanceOf(ConnectException.class);

        try (VeryfiSimulator second = VeryfiSimulator.start(port)) {
            assertThat(second.port()).isEqualTo(port);
            Api api2 = new Api(second);
            assertThat(api2.list(api2.account("a", null)).status()).isEqualTo(200);
        }
        // and the port is free again for anyone
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void resetAllForgetsEverythingButNeverReusesIds() throws IOException {
        try (VeryfiSimulator sim = VeryfiSimulator.start(0)) {
            Api api = new Api(sim);
            Api.Creds c = api.account("a", null);
            long firstId = sim.liveKeyIds("a").get(0);
            api.list(c);
            sim.inject(Fault.drop(Endpoint.ANY).always());
            sim.resetAll();
            assertThat(sim.requests()).isEmpty();
            assertThat(sim.faults()).isEmpty();
            assertThat(sim.liveKeyIds("a")).isEmpty();
            assertThat(sim.isLive("a", c.key())).isFalse();
            assertThat(api.list(c).status()).isEqualTo(401);
            SimulatedKey again = sim.createAccount("a", "user-a", null);
            assertThat(again.id()).isGreaterThan(firstId);
        }
    }

    @Test
    void javaApiValidatesInput() {
        try (VeryfiSimulator sim = VeryfiSimulator.start(0)) {
            sim.createAccount("a", "u", null);
            assertThatThrownBy(() -> sim.createAccount("a", "u", null))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> sim.createAccount(" ", "u", null))
                    .isInstanceOf(IllegalArgumentException.class);
            sim.addKey("a");
            assertThat(sim.liveKeyIds("a")).hasSize(2).isSorted();
            assertThatThrownBy(() -> sim.addKey("a")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> sim.addKey("b")).isInstanceOf(IllegalArgumentException.class);
            assertThat(sim.liveKeyIds("b")).isEmpty();
            assertThat(sim.isLive("b", "x")).isFalse();
        }
    }

    @Test
    void mainParsesThePortArgument() {
        assertThat(VeryfiSimulatorMain.parsePort(new String[0])).isZero();
        assertThat(VeryfiSimulatorMain.parsePort(new String[] {"--port", "8123"})).isEqualTo(8123);
        assertThat(VeryfiSimulatorMain.parsePort(new String[] {"--port=0"})).isZero();
        assertThatThrownBy(() -> VeryfiSimulatorMain.parsePort(new String[] {"--port"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VeryfiSimulatorMain.parsePort(new String[] {"--port", "x"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VeryfiSimulatorMain.parsePort(new String[] {"--verbose"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
