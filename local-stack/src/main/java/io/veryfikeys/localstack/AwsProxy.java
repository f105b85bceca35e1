package io.veryfikeys.localstack;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Passes a request on to moto as it came (signature headers included) and moto's answer back; a
 * service may have a moto process of its own (Step Functions, see {@link LocalAwsStack}).
 */
final class AwsProxy {
    private static final Set<String> HOP_BY_HOP =
            Set.of(
                    "connection",
                    "keep-alive",
                    "proxy-authenticate",
                    "proxy-authorization",
                    "te",
                    "trailer",
                    "trailers",
                    "transfer-encoding",
                    "upgrade",
                    "host",
                    "content-length",
                    "expect");

    /** Connects tried before a 502 (each with the client's connect timeout). */
    static final int CONNECT_ATTEMPTS = 6;

    private final HttpClient http;
    private volatile URI target;
    private final Map<String, URI> serviceTargets = new java.util.concurrent.ConcurrentHashMap<>();

    AwsProxy(ExecutorService pool) {
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .executor(pool)
                        .build();
    }

    /** Moto's address; until it is set, requests are answered with 502. */
    void target(URI target) {
        this.target = target;
    }

    /** Where the requests of one service (its IAM prefix, e.g. {@code states}) go instead. */
    void target(String service, URI target) {
        serviceTargets.put(service, target);
    }

    /**
     * @param service the request's IAM prefix ({@code states}, {@code secretsmanager}...), or null
     *     for moto's own admin API
     */
    void forward(HttpExchange ex, byte[] body, String service) throws IOException {
        URI target = service == null ? null : serviceTargets.get(service);
        if (target == null) target = this.target;
        if (target == null) {
            HttpReplies.sendText(ex, 502, "no forward target (moto) configured");
            return;
        }
        String rawQuery = ex.getRequestURI().getRawQuery();
        URI uri =
                URI.create(
                        target.toString().replaceAll("/$", "")
                                + ex.getRequestURI().getRawPath()
                                + (rawQuery == null ? "" : "?" + rawQuery));
        HttpRequest.Builder rb =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofMinutes(5))
                        .method(
                                ex.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) continue;
            for (String v : h.getValue()) {
                try {
                    rb.header(h.getKey(), v);
                } catch (IllegalArgumentException restricted) {
                    // the JDK client refuses a few headers it manages itself; moto does not need
                    // them
                }
            }
        }
        HttpResponse<byte[]> resp = null;
        HttpRequest request = rb.build();
        // A connection moto did not accept in time is tried again: AWS does not refuse a call for
        // being busy, and a 502 here would fail a call (or a Map branch of moto's own engine) that
        // AWS would have served. Nothing was sent on such a connection, so any request may be
        // repeated.
        for (int attempt = 1; resp == null; attempt++) {
            try {
                resp = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                HttpReplies.sendText(ex, 502, "interrupted");
                return;
            } catch (java.net.http.HttpConnectTimeoutException | java.net.ConnectException e) {
                if (attempt == CONNECT_ATTEMPTS) {
                    HttpReplies.sendText(ex, 502, "moto unreachable: " + e);
                    return;
                }
            } catch (IOException e) {
                // A kept-alive connection that moto closed as the request went out: it answered
                // nothing, and AWS's SDKs retry exactly this; moto's own engine does not, so the
                // proxy does.
                boolean closedUnanswered =
                        String.valueOf(e.getMessage()).contains("received no bytes");
                if (!closedUnanswered || attempt == CONNECT_ATTEMPTS) {
                    HttpReplies.sendText(ex, 502, "moto unreachable: " + e);
                    return;
                }
            }
        }
        Headers out = ex.getResponseHeaders();
        resp.headers()
                .map()
                .forEach(
                        (k, vs) -> {
                            if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT))
                                    && !k.startsWith(":")) out.put(k, vs);
                        });
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(resp.statusCode(), -1);
        } else {
            HttpReplies.send(ex, resp.statusCode(), resp.body());
        }
    }
}
