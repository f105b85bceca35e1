package io.veryfikeys.benchmarks.probe;

import jdk.jfr.Recording;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A JFR recording of the first invocation alone (issue 18: where a first invocation's local time
 * goes), started after init and priming and stopped when the handler returns: execution samples
 * every millisecond, and every class loaded. Only with {@code benchmarks/run --jfr DIR}; starting
 * JFR loads classes of its own, so a profiled run's timings are not comparable with the others.
 * Read a recording with {@code jfr view hot-methods FILE} or {@code jfr print --events
 * jdk.ClassLoad FILE}.
 */
final class FirstInvokeRecording {
    private final Recording recording = new Recording();

    private FirstInvokeRecording() {}

    static FirstInvokeRecording start() {
        FirstInvokeRecording r = new FirstInvokeRecording();
        r.recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        r.recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1));
        r.recording.enable("jdk.ClassLoad").withThreshold(Duration.ZERO).withStackTrace();
        r.recording.enable("jdk.ClassDefine").withStackTrace();
        r.recording.start();
        return r;
    }

    void stopAndDump(Path file) throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
    }
}
