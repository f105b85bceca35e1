package io.veryfikeys.veryfi;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** {@link Transport} over the JDK's {@link HttpClient}. */
final class HttpTransport implements Transport {
    /** Slack over the request timeout before we stop waiting ourselves (covers reading the body). */
    private static final long GRACE_MILLIS = 250;

    private final HttpClient http;

    HttpTransport(HttpClient http) {
        this.http = http;
    }

    static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Reply send(HttpRequest request) throws IOException, InterruptedException {
        // HttpRequest.timeout() only bounds the wait for the response headers; waiting on the
        // future with our own bound also covers a body that trickles in forever.
        long timeoutMillis = request.timeout().map(Duration::toMillis).orElse(30_000L) + GRACE_MILLIS;
        CompletableFuture<HttpResponse<String>> future =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = future.get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete response within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("HTTP exchange failed: " + (cause == null ? "unknown" : cause.getClass().getName()), cause);
        }
        return new Reply(response.statusCode(), response.body(),
                response.headers().firstValue("x-veryfi-trace-id").orElse(null),
                response.headers().firstValue("Retry-After").orElse(null));
    }
}
