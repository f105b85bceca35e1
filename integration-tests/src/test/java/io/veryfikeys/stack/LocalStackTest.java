package io.veryfikeys.stack;

import io.veryfikeys.localstack.LocalAwsStack;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @AfterAll
    static void stopHarness() {
        harness.close();
    }
}
