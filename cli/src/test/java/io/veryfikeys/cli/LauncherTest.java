package io.veryfikeys.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripts an operator starts by hand pick a Java 21 or newer as ./run-demo does, or stop with
 * one line saying what to install: never a raw UnsupportedClassVersionError from an older java.
 */
class LauncherTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    record Run(int exitCode, String out, String err) {}

    /** A "JDK" whose java says it is Java 17, the machine's default here. */
    private static Path fakeJdk17(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("jdk-17/bin"));
        Path java = bin.resolve("java");
        Files.writeString(
                java,
                "#!/bin/sh\necho '    java.specification.version = 17' >&2\n"
                        + "echo 'Error: UnsupportedClassVersionError (this fake java must never run a jar)' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("jdk-17");
    }

    private static Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void withOnlyAnOlderJavaTheCliAndTheBenchmarkSayWhatToInstallInOneLine(@TempDir Path dir)
            throws Exception {
        Path jdk17 = fakeJdk17(dir);
        Map<String, String> env =
                Map.of("JAVA_HOME", jdk17.toString(), "JDK_SEARCH_PATH", jdk17.toString());

        for (List<String> command :
                List.of(
                        List.of("bash", "bin/veryfi-keys", "--help"),
                        List.of("bash", "benchmarks/run", "--no-build", "--smoke"))) {
            Run r = run(env, command.toArray(String[]::new));

            assertThat(r.exitCode()).as(command + ": " + r.err()).isNotZero();
            assertThat(r.err().lines().toList()).as(String.valueOf(command)).hasSize(1);
            assertThat(r.err())
                    .contains("No Java 21 or newer found")
                    .contains("install a JDK 21+")
                    .doesNotContain("UnsupportedClassVersionError");
        }
    }

    @Test
    void theCliLauncherPicksAJava21FromTheSearchPathWhenJavaHomeIsOlder(@TempDir Path dir)
            throws Exception {
        Path jdk17 = fakeJdk17(dir);
        String current =
                System.getProperty("java.home"); // the build runs on 21+ (the enforcer says so)
        // A stand-in for Maven: the launcher builds the jar when it is missing (before `mvn
        // package`).
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path mvn = tools.resolve("mvn");
        Files.writeString(
                mvn, "#!/bin/sh\necho \"$@\" > '" + dir.resolve("mvn-args") + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r =
                run(
                        Map.of(
                                "JAVA_HOME",
                                jdk17.toString(),
                                "JDK_SEARCH_PATH",
                                jdk17 + " " + current,
                                "PATH",
                                tools + ":" + System.getenv("PATH")),
                        "bash",
                        "bin/veryfi-keys",
                        "--help");

        assertThat(r.err())
                .doesNotContain("No Java 21")
                .doesNotContain("UnsupportedClassVersionError");
        if (Files.isRegularFile(REPO.resolve("cli/target/veryfi-keys.jar"))) {
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("Usage: veryfi-keys");
        } else {
            assertThat(Files.readString(dir.resolve("mvn-args")))
                    .contains("-pl cli -am install -DskipTests");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().lines().toList())
                    .last()
                    .asString()
                    .startsWith("Building the CLI failed");
        }
    }
}
