package io.veryfikeys.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.concurrent.atomic.AtomicInteger;

/** One simulator per test class, reset before each test. */
abstract class SimulatorTestBase {

    static VeryfiSimulator sim;
    static Api api;
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @BeforeAll
    static void startSimulator() {
        sim = VeryfiSimulator.start(0);
        api = new Api(sim);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void resetSimulator() {
        sim.resetAll();
    }

    static Api.Creds account() {
        return api.account("client-" + ACCOUNTS.incrementAndGet(), null);
    }

    static Api.Creds signedAccount() {
        return api.account("signed-" + ACCOUNTS.incrementAndGet(), "secret-" + ACCOUNTS.get());
    }
}
