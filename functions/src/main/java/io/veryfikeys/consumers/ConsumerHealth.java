package io.veryfikeys.consumers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.UrlConnections;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Asks every consumer's health endpoint, all at once and each with a timeout, which key id it uses:
 * {@code GET <healthUrl>} answering {@code 200 {"keyId": <int>, "healthy": <bool>}}. An endpoint
 * that does not answer that way counts as unreachable, never as migrated.
 *
 * <p>Over {@link UrlConnections}, one virtual thread per consumer.
 */
public final class ConsumerHealth implements ConsumerChecks {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    @Override
    public List<ConsumerReport> check(List<Consumer> consumers) {
        try (ExecutorService perConsumer = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ConsumerReport>> pending =
                    consumers.stream()
                            .map(consumer -> perConsumer.submit(() -> ask(consumer)))
                            .toList();
            return pending.stream().map(ConsumerHealth::join).toList();
        }
    }

    private static ConsumerReport join(Future<ConsumerReport> report) {
        try {
            return report.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking consumers", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("asking a consumer failed unexpectedly", e.getCause());
        }
    }

    private static ConsumerReport ask(Consumer consumer) {
        long started = System.nanoTime();
        HttpURLConnection connection = null;
        try {
            // Checked again at each call: a name may resolve elsewhere than when the registry was
            // read (DNS rebinding). The connection below resolves through the JVM's address cache,
            // which holds this answer (networkaddress.cache.ttl, 30 s by default), so it connects
            // to what was checked.
            var refused =
                    ConsumerAddresses.problemWithHost(
                            consumer.healthUrl().getHost(), ConsumerAddresses.loopbackAllowed());
            if (refused.isPresent()) {
                return new ConsumerReport(
                        consumer.name(), null, false, "refused: " + refused.get());
            }
            connection = UrlConnections.open(consumer.healthUrl(), CONNECT_TIMEOUT, TIMEOUT);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            return read(
                    consumer,
                    status,
                    UrlConnections.body(connection, status, started, TIMEOUT, MAX_BODY_BYTES));
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                connection.disconnect();
            }
            return new ConsumerReport(
                    consumer.name(), null, false, "unreachable: " + e.getClass().getSimpleName());
        }
    }

    private static ConsumerReport read(Consumer consumer, int status, String text) {
        if (status != 200) {
            return new ConsumerReport(
                    consumer.name(), null, false, "health endpoint answered " + status);
        }
        try {
            JsonNode body = JsonTree.parse(text);
            JsonNode keyId = body.get("keyId");
            JsonNode healthy = body.get("healthy");
            if (keyId == null
                    || !keyId.canConvertToLong()
                    || healthy == null
                    || !healthy.isBoolean()) {
                return new ConsumerReport(
                        consumer.name(), null, false, "health body lacks keyId/healthy");
            }
            return new ConsumerReport(consumer.name(), keyId.asLong(), healthy.asBoolean(), null);
        } catch (Exception e) {
            return new ConsumerReport(consumer.name(), null, false, "health body is not JSON");
        }
    }
}
