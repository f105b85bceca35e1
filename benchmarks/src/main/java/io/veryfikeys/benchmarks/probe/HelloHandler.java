package io.veryfikeys.benchmarks.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The floor: a hello-world RequestStreamHandler under the same JVM settings. */
public final class HelloHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context)
            throws IOException {
        in.readAllBytes();
        out.write("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
    }
}
