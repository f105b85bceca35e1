package io.veryfikeys.aws;

import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.Log;

import java.util.function.Supplier;

/**
 * Client construction is a visible part of a cold start (the SDK's HTTP client and service
 * clients), so every client the functions build once per JVM logs a {@code client.built} line with
 * its time.
 */
public final class ClientBuild {
    private static final Log LOG = Log.get(ClientBuild.class);

    private ClientBuild() {}

    public static <C> C timed(String client, Supplier<C> build) {
        long started = System.nanoTime();
        C built = build.get();
        if (!Priming.active()) {
            LOG.info(
                    "client.built",
                    "client",
                    client,
                    "millis",
                    (System.nanoTime() - started) / 1_000_000);
        }
        return built;
    }
}
