package io.veryfikeys.fakes;

import io.veryfikeys.rotation.RunningRotations;

import java.util.ArrayList;
import java.util.List;

/** The running rotation executions as a list the test fills, oldest first; a stop removes one. */
public final class FakeRunningRotations implements RunningRotations {
    private final List<String> running = new ArrayList<>();

    public synchronized FakeRunningRotations add(String executionArn) {
        running.add(executionArn);
        return this;
    }

    public synchronized List<String> running() {
        return List.copyOf(running);
    }

    @Override
    public synchronized List<String> of(String stateMachineArn, String secretId) {
        return List.copyOf(running);
    }

    @Override
    public synchronized void stop(String executionArn, String cause) {
        running.remove(executionArn);
    }
}
