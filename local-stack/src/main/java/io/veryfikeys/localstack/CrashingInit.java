package io.veryfikeys.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stand-in handler of {@link LambdaHost.InvokeFault#INIT_CRASH}: its static initializer throws,
 * so the Runtime Interface Client reports an init error ({@code POST /runtime/init/error}) and
 * exits, exactly as for a function whose own init crashes. It only uses the JDK: the sandbox loads
 * it from a directory of its own, next to the runtime's jars.
 */
public final class CrashingInit {
    static {
        if (Boolean.parseBoolean("true")) {
            throw new IllegalStateException(
                    "injected by the local stack: this function's init crashed");
        }
    }

    private static volatile Path directory;

    private CrashingInit() {}

    public void handleRequest(InputStream in, OutputStream out) {
        // never reached: the class cannot be initialised
    }

    /** A directory holding only this class, for a sandbox's class path. */
    static synchronized Path classDirectory() {
        if (directory != null) return directory;
        String resource = CrashingInit.class.getName().replace('.', '/') + ".class";
        try (InputStream in = LambdaHost.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("cannot read " + resource);
            Path dir = Files.createTempDirectory("local-lambda-crash-");
            Path file = dir.resolve(resource);
            Files.createDirectories(file.getParent());
            Files.write(file, in.readAllBytes());
            dir.toFile().deleteOnExit();
            directory = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
