package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Veryfi's partner API over HTTP ({@code /api/v8/partner/client-keys} and {@code /documents}): each
 * call goes through routing, the injected faults, {@link Authentication} and the {@link Account}'s
 * key rules, and is recorded in the {@link RequestLog} before it is answered.
 */
final class KeyApi {
    static final String KEYS_PATH = "/api/v8/partner/client-keys";
    static final String DOCUMENTS_PATH = "/api/v8/partner/documents";
    static final int MAX_BODY_BYTES = 1 << 20;

    private final Accounts accounts;
    private final Faults faults;
    private final RequestLog log;
    final RateLimit rateLimit = new RateLimit();

    KeyApi(Accounts accounts, Faults faults, RequestLog log) {
        this.accounts = accounts;
        this.faults = faults;
        this.log = log;
    }

    /** A call as it arrived: what every record of it repeats. */
    private record Call(Instant at, String method, String path, String clientId) {
        RecordedRequest answered(Long keyId, int status, String fault) {
            return new RecordedRequest(at, method, path, clientId, keyId, status, fault);
        }
    }

    /** Where a call goes: endpoint null means it is answered with {@code status} (404/405). */
    record Route(Endpoint endpoint, String idSegment, int status) {
        static Route to(Endpoint endpoint) {
            return new Route(endpoint, null, 0);
        }

        static Route answered(int status) {
            return new Route(null, null, status);
        }
    }

    static Route route(String method, String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals(KEYS_PATH)) {
            return switch (method) {
                case "GET" -> Route.to(Endpoint.LIST);
                case "POST" -> Route.to(Endpoint.CREATE);
                default -> Route.answered(405);
            };
        }
        if (p.equals(DOCUMENTS_PATH)) {
            return method.equals("GET") ? Route.to(Endpoint.DOCUMENTS) : Route.answered(405);
        }
        if (p.equals(KEYS_PATH + "/reset")) {
            return method.equals("POST") ? Route.to(Endpoint.RESET) : Route.answered(405);
        }
        if (p.startsWith(KEYS_PATH + "/")) {
            String rest = p.substring(KEYS_PATH.length() + 1);
            if (rest.contains("/")) {
                return Route.answered(404);
            }
            return method.equals("DELETE")
                    ? new Route(Endpoint.DELETE, rest, 0)
                    : Route.answered(405);
        }
        return Route.answered(404);
    }

    /** What authentication and the account made of a call. */
    private record Outcome(int status, JsonNode body, Long keyId) {
        static Outcome failure(ApiError e, Long keyId) {
            return new Outcome(e.status, Replies.error(e.code, e.getMessage()), keyId);
        }
    }

    void handle(HttpExchange ex, String path) throws IOException {
        Call call =
                new Call(
                        Instant.now(),
                        ex.getRequestMethod(),
                        path,
                        ex.getRequestHeaders().getFirst("CLIENT-ID"));
        Route route = route(call.method(), path);
        if (route.endpoint() == null) {
            String code = route.status() == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND";
            String message = route.status() == 405 ? "Method not allowed" : "No such resource";
            log.record(call.answered(null, route.status(), null));
            Replies.json(ex, route.status(), Replies.error(code, message));
            return;
        }
        log.arrived(route.endpoint(), call.clientId());
        try {
            handle(ex, call, route);
        } finally {
            log.finished(route.endpoint(), call.clientId());
        }
    }

    private void handle(HttpExchange ex, Call call, Route route) throws IOException {
        byte[] rawBody;
        try (InputStream in = ex.getRequestBody()) {
            rawBody = in.readNBytes(MAX_BODY_BYTES + 1);
        }

        if (!rateLimit.admit(call.at())) {
            log.record(call.answered(null, 429, "RATE_LIMITED"));
            Replies.json(
                    ex,
                    429,
                    Replies.error("YOU_HAVE_BEEN_RATE_LIMITED", "You have been rate limited"),
                    Map.of("Retry-After", "1"));
            return;
        }
        Fault before = faults.take(route.endpoint(), call.clientId(), false);
        if (before != null && answeredByFault(ex, call, before)) {
            return;
        }
        Outcome outcome =
                rawBody.length > MAX_BODY_BYTES
                        ? new Outcome(
                                413,
                                Replies.error("REQUEST_TOO_LARGE", "Request body too large"),
                                null)
                        : authenticateAndProcess(
                                route,
                                call.clientId(),
                                ex.getRequestHeaders(),
                                new String(rawBody, StandardCharsets.UTF_8));
        String faultName = before == null ? null : before.kind().name();

        if (outcome.status() / 100 == 2) {
            Fault after = faults.take(route.endpoint(), call.clientId(), true);
            if (after != null) {
                String names =
                        faultName == null
                                ? after.kind().name()
                                : faultName + "+" + after.kind().name();
                answerAfterCommit(ex, call, outcome, after, names);
                return;
            }
        }
        log.record(call.answered(outcome.keyId(), outcome.status(), faultName));
        Replies.json(ex, outcome.status(), outcome.body());
    }

    /**
     * Applies a fault that acts before the call is processed.
     *
     * @return true if the fault answered the call; false if the call goes on (after a LATENCY)
     */
    private boolean answeredByFault(HttpExchange ex, Call call, Fault f) throws IOException {
        String name = f.kind().name();
        switch (f.kind()) {
            case RATE_LIMIT -> {
                log.record(call.answered(null, 429, name));
                Replies.json(
                        ex,
                        429,
                        Replies.error("YOU_HAVE_BEEN_RATE_LIMITED", "You have been rate limited"),
                        Map.of("Retry-After", Long.toString(f.retryAfterSeconds())));
                return true;
            }
            case SERVER_ERROR -> {
                log.record(call.answered(null, f.status(), name));
                Replies.json(
                        ex,
                        f.status(),
                        Replies.error(serverErrorCode(f.status()), "Simulated server error"));
                return true;
            }
            case DROP -> {
                log.record(call.answered(null, 0, name));
                Replies.drop(ex);
                return true;
            }
            case LATENCY -> {
                try {
                    Thread.sleep(f.duration());
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    Replies.drop(ex); // the simulator is shutting down
                    return true;
                }
            }
            case FORBIDDEN -> {
                log.record(call.answered(null, 403, name));
                Replies.json(ex, 403, Replies.error("ACCESS_DENIED", "Not allowed"));
                return true;
            }
            case DROP_AFTER_COMMIT, GARBLED_AFTER_COMMIT ->
                    throw new IllegalStateException("not a pre-processing fault");
        }
        throw new IllegalStateException("unknown fault kind " + f.kind());
    }

    /** The call changed the account; the fault spoils only the answer. */
    private void answerAfterCommit(
            HttpExchange ex, Call call, Outcome outcome, Fault f, String faultNames)
            throws IOException {
        if (f.kind() == FaultKind.GARBLED_AFTER_COMMIT) {
            log.record(call.answered(outcome.keyId(), outcome.status(), faultNames));
            byte[] garbled = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(outcome.status(), garbled.length);
            try (var out = ex.getResponseBody()) {
                out.write(garbled);
            }
            return;
        }
        log.record(call.answered(outcome.keyId(), 0, faultNames));
        Replies.drop(ex);
    }

    private Outcome authenticateAndProcess(
            Route route, String clientId, Headers headers, String body) {
        Account account = accounts.find(clientId);
        if (account == null) {
            return Outcome.failure(
                    ApiError.unauthorized("Unauthorized: unknown or missing CLIENT-ID"), null);
        }
        // Auth and processing happen under the account lock: a key deleted or reset by a concurrent
        // request cannot authenticate a call that is processed afterwards.
        synchronized (account) {
            long keyId;
            try {
                keyId = Authentication.authenticate(account, headers, body);
            } catch (ApiError e) {
                return Outcome.failure(e, null);
            }
            try {
                return process(account, route, keyId);
            } catch (ApiError e) {
                return Outcome.failure(e, keyId);
            }
        }
    }

    private static Outcome process(Account account, Route route, long keyId) throws ApiError {
        switch (route.endpoint()) {
            case LIST -> {
                ObjectNode body = Replies.MAPPER.createObjectNode();
                ArrayNode keys = body.putArray("api_keys");
                account.liveKeys()
                        .forEach(
                                k ->
                                        keys.addObject()
                                                .put("id", k.id())
                                                .put("value", Replies.mask(k.value())));
                return new Outcome(200, body, keyId);
            }
            case DOCUMENTS -> {
                ObjectNode body = Replies.MAPPER.createObjectNode();
                body.putArray("documents");
                return new Outcome(200, body, keyId);
            }
            case CREATE -> {
                SimulatedKey key = account.addKey();
                return new Outcome(
                        201,
                        Replies.MAPPER
                                .createObjectNode()
                                .put("id", key.id())
                                .put("value", key.value()),
                        keyId);
            }
            case DELETE -> {
                long id;
                try {
                    id = Long.parseLong(route.idSegment());
                } catch (NumberFormatException e) {
                    throw new ApiError(
                            400,
                            "MALFORMED_PARAMETERS",
                            "Malformed parameters: key id must be an integer");
                }
                account.deleteKey(id);
                return new Outcome(204, null, keyId);
            }
            case RESET -> {
                ObjectNode body = Replies.MAPPER.createObjectNode();
                ArrayNode keys = body.putArray("api_keys");
                account.reset()
                        .forEach(k -> keys.addObject().put("id", k.id()).put("value", k.value()));
                return new Outcome(201, body, keyId);
            }
            default -> throw new IllegalStateException("unexpected endpoint " + route.endpoint());
        }
    }

    private static String serverErrorCode(int status) {
        return switch (status) {
            case 499 -> "CLIENT_CLOSED_REQUEST";
            case 500 -> "INTERNAL_SERVER_ERROR";
            case 503 -> "SERVICE_UNAVAILABLE";
            case 504 -> "GATEWAY_TIMEOUT";
            default -> "SERVER_ERROR";
        };
    }
}
