package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A tiny Veryfi client for the tests: real HTTP with java.net.http.HttpClient. */
final class Api {

    static final String KEYS = "/api/v8/partner/client-keys";
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Credentials of one account with one key; secret may be null. */
    record Creds(String clientId, String username, String key, String secret) {
        Creds withKey(String newKey) {
            return new Creds(clientId, username, newKey, secret);
        }

        @Override
        public String toString() {
            return "Creds[" + clientId + "]";
        }
    }

    record Resp(int status, JsonNode json, HttpHeaders headers, String body) {
        String code() {
            return json == null ? null : json.path("code").asText(null);
        }
    }

    final VeryfiSimulator sim;
    final HttpClient http;

    Api(VeryfiSimulator sim) {
        this(sim, newClient());
    }

    Api(VeryfiSimulator sim, HttpClient http) {
        this.sim = sim;
        this.http = http;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Creates an account in the simulator and returns its credentials. */
    Creds account(String clientId, String secret) {
        SimulatedKey key = sim.createAccount(clientId, "user-" + clientId, secret);
        return new Creds(clientId, "user-" + clientId, key.value(), secret);
    }

    Resp list(Creds c) throws IOException {
        return call(c, "GET", KEYS, null);
    }

    Resp create(Creds c) throws IOException {
        return call(c, "POST", KEYS, null);
    }

    Resp delete(Creds c, Object id) throws IOException {
        return call(c, "DELETE", KEYS + "/" + id, null);
    }

    Resp reset(Creds c) throws IOException {
        return call(c, "POST", KEYS + "/reset", null);
    }

    /** An authenticated (and, with a secret, signed) call. */
    Resp call(Creds c, String method, String path, String body) throws IOException {
        return send(method, path, authHeaders(c, body, System.currentTimeMillis()), body);
    }

    static Map<String, String> authHeaders(Creds c, String body, long timestamp) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("CLIENT-ID", c.clientId());
        h.put("AUTHORIZATION", "apikey " + c.username() + ":" + c.key());
        h.put("Accept", "application/json");
        if (c.secret() != null) {
            h.put("X-Veryfi-Request-Timestamp", Long.toString(timestamp));
            h.put("X-Veryfi-Request-Signature", RequestSignature.sign(c.secret(), body, timestamp));
        }
        return h;
    }

    Resp send(String method, String path, Map<String, String> headers, String body)
            throws IOException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                        .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        JsonNode json = null;
        if (!r.body().isEmpty()) {
            try {
                json = MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException("response is not JSON: " + r.body(), e);
            }
        }
        return new Resp(r.statusCode(), json, r.headers(), r.body());
    }

    /** An admin call (no auth). */
    Resp admin(String method, String path, String body) throws IOException {
        return send(method, "/__admin" + path, Map.of(), body);
    }
}
