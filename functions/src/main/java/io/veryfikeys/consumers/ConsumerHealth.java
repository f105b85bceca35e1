package io.veryfikeys.consumers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.Json;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks every consumer's health endpoint, all at once and each with a timeout, which key id it
 * uses: {@code GET <healthUrl>} answering {@code 200 {"keyId": <int>, "healthy": <bool>}}.
 * An endpoint that does not answer that way counts as unreachable, never as migrated.
 */
public final class ConsumerHealth {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public List<ConsumerReport> check(List<Consumer> consumers) {
        List<CompletableFuture<ConsumerReport>> pending = consumers.stream().map(this::ask).toList();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<ConsumerReport> ask(Consumer consumer) {
        HttpRequest request = HttpRequest.newBuilder(consumer.healthUrl())
                .timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> read(consumer, response))
                .exceptionally(error -> new ConsumerReport(consumer.name(), null, false,
                        "unreachable: " + rootCause(error).getClass().getSimpleName()));
    }

    private static ConsumerReport read(Consumer consumer, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return new ConsumerReport(consumer.name(), null, false, "health endpoint answered " + response.statusCode());
        }
        try {
            JsonNode body = Json.MAPPER.readTree(response.body());
            JsonNode keyId = body.get("keyId");
            JsonNode healthy = body.get("healthy");
            if (keyId == null || !keyId.canConvertToLong() || healthy == null || !healthy.isBoolean()) {
                return new ConsumerReport(consumer.name(), null, false, "health body lacks keyId/healthy");
            }
            return new ConsumerReport(consumer.name(), keyId.asLong(), healthy.asBoolean(), null);
        } catch (Exception e) {
            return new ConsumerReport(consumer.name(), null, false, "health body is not JSON");
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
