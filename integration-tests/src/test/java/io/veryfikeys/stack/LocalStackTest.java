package io.veryfikeys.stack;

import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs on the local stack, with a fresh {@link RotationHarness} (simulator,
 * consumers) of its own.
 */
@ExtendWith(LocalAwsStackExtension.class)
public abstract class LocalStackTest {
    protected static RotationHarness harness;
    protected static LocalAwsStack stack;

    @BeforeAll
    static void startHarness(LocalAwsStack localStack) {
        stack = localStack;
        harness = new RotationHarness(localStack);
    }

    /**
     * Each test method's consumers stop when it ends: each reads AWSCURRENT from moto and calls the
     * simulator ten times a second, and left running they slowed every later test of the class.
     */
    @BeforeEach
    void consumersOfThisTest() {
        harness.beginTest();
    }

    @AfterEach
    void stopConsumersOfThisTest() {
        harness.endTest();
    }

    @AfterAll
    static void stopHarness() {
        harness.close();
    }
}
