package io.veryfikeys.benchmarks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered in the local stack's Lambda host in place of every function of the template, so the
 * real state machine (moto) drives the real handlers with the real events. In FORK mode each
 * invocation is a cold start in a fresh child JVM of the current variant; in IN_PROCESS mode it
 * calls the real handler in this JVM (setup, and the rotation whose AWS calls are counted).
 */
public final class ForkingHandler implements RequestStreamHandler {
    enum Mode {
        IN_PROCESS,
        FORK
    }

    static volatile Mode mode = Mode.IN_PROCESS;
    static volatile Children.Variant variant;
    static volatile Children children;
    static final Map<String, String> HANDLERS = new ConcurrentHashMap<>();
    static final List<Children.Sample> SAMPLES = new ArrayList<>();
    private static final Map<String, RequestStreamHandler> IN_PROCESS = new ConcurrentHashMap<>();

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context)
            throws IOException {
        String function = context.getFunctionName();
        String handlerClass = HANDLERS.get(function);
        if (handlerClass == null) {
            throw new IllegalStateException("no handler recorded for " + function);
        }
        if (mode == Mode.IN_PROCESS) {
            IN_PROCESS
                    .computeIfAbsent(handlerClass, ForkingHandler::instantiate)
                    .handleRequest(in, out, context);
            return;
        }
        Children.Sample sample =
                children.cold(variant, function, handlerClass, in.readAllBytes(), null);
        synchronized (SAMPLES) {
            SAMPLES.add(sample);
        }
        if (sample.error() != null) {
            throw new IllegalStateException(
                    function + " failed in the child JVM: " + sample.error());
        }
        out.write(sample.output());
    }

    private static RequestStreamHandler instantiate(String name) {
        try {
            return (RequestStreamHandler)
                    Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
