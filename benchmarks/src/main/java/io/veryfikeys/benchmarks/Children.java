package io.veryfikeys.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Starts the child JVMs: one per cold start, with Lambda-like JVM settings for a 1024 MB function
 * and the function's environment (as real environment variables, as Lambda passes them).
 */
final class Children {
    /**
     * A java21 Lambda function of 1024 MB: the managed runtime sizes heap, metaspace and code cache
     * from the memory size and uses the serial collector (a Lambda vCPU share is below one core at
     * this size); CDS is on. JAVA_TOOL_OPTIONS (from the template) comes on top.
     */
    static final List<String> LAMBDA_LIKE_JVM =
            List.of(
                    "-XX:MaxHeapSize=870m",
                    "-XX:MaxMetaspaceSize=104m",
                    "-XX:ReservedCodeCacheSize=52m",
                    "-XX:+UseSerialGC",
                    "-Xshare:auto",
                    "-Djava.net.preferIPv4Stack=true");

    /**
     * How a child is built: its classpath, whether the priming hooks run, its JAVA_TOOL_OPTIONS.
     */
    record Variant(String name, List<Path> classpath, boolean prime, String javaToolOptions) {
        Variant withOptions(String name, String options) {
            return new Variant(name, classpath, prime, options);
        }
    }

    /** One cold start: what the parent saw and what the child measured. */
    record Sample(
            String function,
            String variant,
            long totalMillis,
            long vmStartMillis,
            double initMillis,
            double primeMillis,
            double invokeMillis,
            double secondInvokeMillis,
            long classes,
            long cpuMillis,
            double heapMb,
            byte[] output,
            String error,
            Anatomy anatomy) {}

    /**
     * Where a cold start's time went, from HotSpot's class-loading counter and the handler's own
     * log lines (client.built, aws.call, veryfi.call) during the first invocation.
     */
    record Anatomy(
            long classLoadingMillis,
            String initClients,
            String invokeClients,
            long awsCalls,
            long awsMillis,
            long awsWireMillis,
            long firstAwsMillis,
            long firstAwsWireMillis,
            long veryfiCalls,
            long veryfiMillis,
            long networkMillis,
            long storedAtMillis,
            long networkBeforeStoredMillis,
            long callsInARow,
            long budgetWaitedMillis) {
        long clientMillis() {
            return sum(invokeClients);
        }

        static long sum(String clients) {
            long total = 0;
            for (String part : clients.split(", ")) {
                int space = part.lastIndexOf(' ');
                if (space > 0) {
                    total += Long.parseLong(part.substring(space + 1));
                }
            }
            return total;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger N = new AtomicInteger();

    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Path work;
    private final Path log;
    private final Map<String, String> environment;

    Children(Path work, Map<String, String> environment) throws IOException {
        this.work = Files.createDirectories(work);
        this.log = work.resolve("children.log");
        Files.deleteIfExists(log);
        this.environment = environment;
    }

    Sample cold(
            Variant variant,
            String function,
            String handlerClass,
            byte[] event,
            byte[] secondEvent) {
        int n = N.incrementAndGet();
        try {
            Path eventFile = Files.write(work.resolve("event-" + n + ".json"), event);
            Path result = work.resolve("result-" + n + ".json");
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(LAMBDA_LIKE_JVM);
            // lets the probe read HotSpot's class-loading time after the timed part; no effect on
            // timing
            command.add("--add-exports=java.management/sun.management=ALL-UNNAMED");
            command.add("-cp");
            command.add(
                    variant.classpath().stream()
                            .map(Path::toString)
                            .collect(Collectors.joining(File.pathSeparator)));
            command.add("io.veryfikeys.benchmarks.probe.ColdStartProbe");
            command.add(result.toString());
            command.add(handlerClass);
            command.add(variant.prime() ? "prime" : "noprime");
            command.add(eventFile.toString());
            if (secondEvent != null) {
                command.add(
                        Files.write(work.resolve("event-" + n + "b.json"), secondEvent).toString());
            }
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.put("JAVA_TOOL_OPTIONS", variant.javaToolOptions());
            env.put("AWS_LAMBDA_FUNCTION_NAME", function);
            Quiet.await();
            long spawnAt = System.currentTimeMillis();
            run(command, env);
            JsonNode r = JSON.readTree(result.toFile());
            byte[] output = Files.readAllBytes(Path.of(result + ".out"));
            Files.deleteIfExists(eventFile);
            return new Sample(
                    function,
                    variant.name(),
                    r.get("doneAtMillis").asLong() - spawnAt,
                    r.get("vmStartAtMillis").asLong() - spawnAt,
                    r.get("initMicros").asLong() / 1000.0,
                    r.get("primeMicros").asLong() / 1000.0,
                    r.get("invokeMicros").asLong() / 1000.0,
                    r.get("secondInvokeMicros").asLong() / 1000.0,
                    r.get("classesLoaded").asLong(),
                    r.get("cpuMillis").asLong(),
                    r.get("heapUsedBytes").asLong() / 1048576.0,
                    output,
                    r.get("error").isNull() ? null : r.get("error").asText(),
                    new Anatomy(
                            r.path("classLoadingMillis").asLong(-1),
                            r.path("initClients").asText(""),
                            r.path("invokeClients").asText(""),
                            r.path("awsCalls").asLong(),
                            r.path("awsMillis").asLong(),
                            r.path("awsWireMillis").asLong(),
                            r.path("firstAwsMillis").asLong(),
                            r.path("firstAwsWireMillis").asLong(),
                            r.path("veryfiCalls").asLong(),
                            r.path("veryfiMillis").asLong(),
                            r.path("networkMillis").asLong(),
                            r.path("storedAtMillis").asLong(-1),
                            r.path("networkBeforeStoredMillis").asLong(-1),
                            r.path("callsInARow").asLong(-1),
                            r.path("budgetWaitedMillis").asLong(0)));
        } catch (IOException e) {
            throw new IllegalStateException("child JVM for " + function + " failed; see " + log, e);
        }
    }

    /** First-call figures of the HTTP client probe: total from spawn, client build, first call. */
    record HttpSample(
            String client,
            long totalMillis,
            double buildMillis,
            double firstCallMillis,
            double secondCallMillis) {}

    HttpSample http(List<Path> classpath, String client, String secretId) {
        int n = N.incrementAndGet();
        try {
            Path result = work.resolve("http-" + n + ".json");
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(LAMBDA_LIKE_JVM);
            command.add("-cp");
            command.add(
                    classpath.stream()
                            .map(Path::toString)
                            .collect(Collectors.joining(File.pathSeparator)));
            command.add("io.veryfikeys.benchmarks.probe.HttpClientProbe");
            command.add(result.toString());
            command.add(client);
            command.add(secretId);
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.put("JAVA_TOOL_OPTIONS", Benchmark.templateJavaToolOptions());
            Quiet.await();
            long spawnAt = System.currentTimeMillis();
            run(command, env);
            JsonNode r = JSON.readTree(result.toFile());
            return new HttpSample(
                    client,
                    r.get("doneAtMillis").asLong() - spawnAt,
                    r.get("buildMicros").asLong() / 1000.0,
                    r.get("firstCallMicros").asLong() / 1000.0,
                    r.get("secondCallMicros").asLong() / 1000.0);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "HTTP client probe " + client + " failed; see " + log, e);
        }
    }

    private void run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("child JVM did not finish within 180 s: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    "child JVM exited with "
                            + process.exitValue()
                            + ": "
                            + String.join(" ", command));
        }
    }
}
