package io.veryfikeys.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What Lambda's managed {@code java21} runtime puts around a function: the AWS Lambda Runtime
 * Interface Client (RIC) and its jars on the system class path (the function's own classes and
 * {@code lib/*.jar} are loaded by the RIC's customer class loader from the working directory, the
 * task root), and the JVM options the managed runtime starts the JVM with.
 *
 * <p>The RIC's native library is extracted once per host: the RIC would otherwise extract it to one
 * fixed file under the temp directory on every start, and sandboxes starting in parallel race on
 * it.
 */
final class ManagedJavaRuntime {
    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /**
     * Classes whose jars make up the runtime's class path (RIC, its serialization, lambda-core,
     * utils-lite).
     */
    private static final List<String> RUNTIME_CLASSES =
            List.of(
                    MAIN_CLASS,
                    "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                    "com.amazonaws.services.lambda.runtime.Context",
                    "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private static volatile ManagedJavaRuntime instance;

    private final Path javaExecutable;
    private final String classPath;
    private final Path jniLibrary;
    private final int javaMajor;

    private ManagedJavaRuntime(Path java, String classPath, Path jniLibrary, int javaMajor) {
        this.javaExecutable = java;
        this.classPath = classPath;
        this.jniLibrary = jniLibrary;
        this.javaMajor = javaMajor;
    }

    static ManagedJavaRuntime get() {
        ManagedJavaRuntime r = instance;
        if (r == null) {
            synchronized (ManagedJavaRuntime.class) {
                r = instance;
                if (r == null) instance = r = locate();
            }
        }
        return r;
    }

    private static ManagedJavaRuntime locate() {
        Set<String> jars = new LinkedHashSet<>();
        for (String name : RUNTIME_CLASSES) {
            try {
                Class<?> c = Class.forName(name, false, ManagedJavaRuntime.class.getClassLoader());
                CodeSource source = c.getProtectionDomain().getCodeSource();
                if (source == null) throw new IllegalStateException("no code source for " + name);
                jars.add(Path.of(source.getLocation().toURI()).toString());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(
                        "the Lambda Runtime Interface Client is not on the class path ("
                                + name
                                + "): the local-stack module depends on com.amazonaws:aws-lambda-java-runtime-interface-client",
                        e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int major = Runtime.version().feature();
        return new ManagedJavaRuntime(
                java, String.join(File.pathSeparator, jars), extractJni(), major);
    }

    /**
     * Copies the RIC's JNI library for this machine out of its jar, once, under a name unique to
     * its content.
     */
    private static Path extractJni() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String lib =
                arch.contains("aarch64") || arch.contains("arm64")
                        ? "libaws-lambda-jni.linux-aarch_64.so"
                        : "libaws-lambda-jni.linux-x86_64.so";
        try {
            Class<?> main =
                    Class.forName(MAIN_CLASS, false, ManagedJavaRuntime.class.getClassLoader());
            byte[] bytes;
            try (InputStream in = main.getResourceAsStream("/jni/" + lib)) {
                if (in == null) throw new IllegalStateException("the RIC jar has no /jni/" + lib);
                bytes = in.readAllBytes();
            }
            String name =
                    "veryfikeys-"
                            + lib.replace(".so", "")
                            + "-"
                            + Integer.toHexString(Arrays.hashCode(bytes))
                            + ".so";
            Path target = Path.of(System.getProperty("java.io.tmpdir"), name);
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                Path tmp = Files.createTempFile(target.getParent(), name, ".part");
                Files.write(tmp, bytes);
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the RIC's native library", e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The command that starts one sandbox's JVM, as the managed runtime starts it: heap from the
     * function's memory, serial GC, and the RIC as main class with the handler as its argument. The
     * template's {@code JAVA_TOOL_OPTIONS} reach the JVM through the environment, as in Lambda.
     */
    List<String> command(String handler, int memoryMb, Path extraClassPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable.toString());
        cmd.addAll(jvmOptions(memoryMb));
        // org.crac forwards Core.getGlobalContext() to the RIC's implementation only with this
        // property, which the managed runtime sets; without it, registered hooks never run.
        cmd.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        cmd.add("-D" + JNI_PROPERTY + "=" + jniLibrary);
        if (javaMajor >= 24) cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        // no trailing separator: it would put the working directory on the system class path
        cmd.add(
                extraClassPath == null
                        ? classPath
                        : classPath + File.pathSeparator + extraClassPath);
        cmd.add(MAIN_CLASS);
        cmd.add(handler);
        return cmd;
    }

    /**
     * The managed runtime's JVM options for a memory size, as a java runtime's command line shows
     * them: the heap at 85% of the function's memory (-XX:MaxHeapSize=445645k at 512 MB), the
     * serial collector, class data sharing, tiered compilation stopping at C1 ("In the Java 17
     * runtime, the JVM flag for tiered compilation is set to stop at level 1 by default",
     * https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html). No perf-data file: it
     * is not there in Lambda either, and here it would litter the temp directory.
     */
    static List<String> jvmOptions(int memoryMb) {
        long heapKb = memoryMb * 1024L * 85 / 100;
        return List.of(
                "-XX:MaxHeapSize=" + heapKb + "k",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "-XX:+ErrorFileToStderr",
                "-XX:-UsePerfData");
    }
}
