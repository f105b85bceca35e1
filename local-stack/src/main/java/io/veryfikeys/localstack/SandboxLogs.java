package io.veryfikeys.localstack;

import io.veryfikeys.localstack.LambdaHost.LogListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the lines sandboxes print go: to the listeners, or to this JVM's stdout while none listen.
 */
final class SandboxLogs {
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();

    void add(LogListener listener) {
        listeners.add(listener);
    }

    void remove(LogListener listener) {
        listeners.remove(listener);
    }

    void line(Sandbox sandbox, String line) {
        if (listeners.isEmpty()) {
            System.out.println("[" + sandbox.id + "] " + line);
            return;
        }
        for (LogListener l : listeners) l.line(sandbox.spec.function(), line);
    }
}
