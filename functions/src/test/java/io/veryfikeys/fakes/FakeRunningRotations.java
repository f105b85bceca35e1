package io.veryfikeys.fakes;

import io.veryfikeys.rotation.RunningRotations;

import java.util.ArrayList;
import java.util.List;

/** The running rotation executions as a list the test fills, oldest first; a stop removes one. */
public final class FakeRunningRotations implements RunningRotations {
    private final List<String> running = new ArrayList<>();

    public FakeRunningRotations add(String executionArn) {
        running.add(executionArn);
        return this;
    }

    public List<String> running() {
        return List.copyOf(running);
    }

    @Override
    public List<String> of(String stateMachineArn, String secretId) {
        return List.copyOf(running);
    }

    @Override
    public void stop(String executionArn, String cause) {
        running.remove(executionArn);
    }
}
