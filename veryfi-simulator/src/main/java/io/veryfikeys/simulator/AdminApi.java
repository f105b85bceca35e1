package io.veryfikeys.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The admin HTTP API under {@code /__admin/}: the Java API of {@link VeryfiSimulator} for non-Java
 * callers (demo scripts, a CLI). JSON in and out, no auth. Admin calls are not recorded.
 *
 * <pre>
 * POST   /__admin/accounts                 {"clientId","username","clientSecret"?}  → 201 {"id","value"}  (409 if the id exists)
 * GET    /__admin/accounts/{clientId}/keys                                          → 200 {"ids":[..]}    (404 if unknown)
 * POST   /__admin/faults                   see {@link #parseFault}                  → 201 {"fault":"<description>"}
 * GET    /__admin/faults                                                            → 200 {"faults":["<description>", ..]}
 * DELETE /__admin/faults                                                            → 204
 * GET    /__admin/requests                                                          → 200 {"requests":[{"at","method","path","clientId","keyId","status","fault"}, ..]}
 * DELETE /__admin/requests                                                          → 204
 * POST   /__admin/reset                    forget accounts, faults, requests        → 204
 * GET    /__admin/health                                                            → 200 {"status":"ok"}
 * </pre>
 *
 * Bad input answers 400 {@code {"status":"fail","code":"BAD_REQUEST","message":"<what is wrong>"}}.
 */
final class AdminApi {

    private static final Set<String> ACCOUNT_FIELDS =
            Set.of("clientId", "username", "clientSecret");
    private static final Set<String> FAULT_FIELDS =
            Set.of(
                    "endpoint",
                    "kind",
                    "status",
                    "retryAfterSeconds",
                    "latencyMillis",
                    "count",
                    "always",
                    "probability",
                    "clientId",
                    "seed");

    private final VeryfiSimulator sim;

    AdminApi(VeryfiSimulator sim) {
        this.sim = sim;
    }

    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        BadRequest(String message) {
            this(400, message);
        }
    }

    void handle(HttpExchange ex, String subPath) throws IOException {
        String method = ex.getRequestMethod();
        String path =
                subPath.length() > 1 && subPath.endsWith("/")
                        ? subPath.substring(0, subPath.length() - 1)
                        : subPath;
        try {
            switch (path) {
                case "/accounts" -> {
                    requireMethod(method, "POST");
                    createAccount(ex);
                }
                case "/faults" -> {
                    switch (method) {
                        case "POST" -> {
                            Fault fault = parseFault(readObject(ex));
                            sim.inject(fault);
                            Replies.json(
                                    ex,
                                    201,
                                    Replies.MAPPER
                                            .createObjectNode()
                                            .put("fault", fault.toString()));
                        }
                        case "GET" -> {
                            ObjectNode body = Replies.MAPPER.createObjectNode();
                            ArrayNode list = body.putArray("faults");
                            sim.faults().forEach(f -> list.add(f.toString()));
                            Replies.json(ex, 200, body);
                        }
                        case "DELETE" -> {
                            sim.clearFaults();
                            Replies.json(ex, 204, null);
                        }
                        default -> throw new BadRequest(405, "method not allowed: " + method);
                    }
                }
                case "/requests" -> {
                    switch (method) {
                        case "GET" -> Replies.json(ex, 200, requestsJson());
                        case "DELETE" -> {
                            sim.clearRequests();
                            Replies.json(ex, 204, null);
                        }
                        default -> throw new BadRequest(405, "method not allowed: " + method);
                    }
                }
                case "/reset" -> {
                    requireMethod(method, "POST");
                    sim.resetAll();
                    Replies.json(ex, 204, null);
                }
                case "/health" -> {
                    requireMethod(method, "GET");
                    Replies.json(ex, 200, Replies.MAPPER.createObjectNode().put("status", "ok"));
                }
                default -> {
                    if (path.startsWith("/accounts/") && path.endsWith("/keys")) {
                        requireMethod(method, "GET");
                        String clientId =
                                path.substring(
                                        "/accounts/".length(), path.length() - "/keys".length());
                        if (clientId.isEmpty() || !sim.hasAccount(clientId)) {
                            throw new BadRequest(404, "unknown account");
                        }
                        ObjectNode body = Replies.MAPPER.createObjectNode();
                        ArrayNode ids = body.putArray("ids");
                        sim.liveKeyIds(clientId).forEach(ids::add);
                        Replies.json(ex, 200, body);
                    } else {
                        throw new BadRequest(404, "no such admin resource: " + path);
                    }
                }
            }
        } catch (BadRequest e) {
            String code =
                    switch (e.status) {
                        case 404 -> "NOT_FOUND";
                        case 405 -> "METHOD_NOT_ALLOWED";
                        case 409 -> "CONFLICT";
                        default -> "BAD_REQUEST";
                    };
            Replies.json(ex, e.status, Replies.error(code, e.getMessage()));
        }
    }

    private static void requireMethod(String method, String expected) throws BadRequest {
        if (!method.equals(expected)) {
            throw new BadRequest(405, "method not allowed: " + method + " (use " + expected + ")");
        }
    }

    private void createAccount(HttpExchange ex) throws IOException, BadRequest {
        ObjectNode body = readObject(ex);
        rejectUnknown(body, ACCOUNT_FIELDS);
        String clientId = requiredString(body, "clientId");
        String username = requiredString(body, "username");
        String secret = optionalString(body, "clientSecret");
        if (secret != null && secret.isEmpty()) {
            throw new BadRequest("clientSecret must be omitted, null or non-empty");
        }
        SimulatedKey key;
        try {
            key = sim.createAccount(clientId, username, secret);
        } catch (IllegalStateException e) {
            throw new BadRequest(409, "account already exists");
        }
        Replies.json(
                ex,
                201,
                Replies.MAPPER.createObjectNode().put("id", key.id()).put("value", key.value()));
    }

    /**
     * Fault JSON: {@code
     * {"endpoint":"CREATE","kind":"RATE_LIMIT","status":503,"retryAfterSeconds":1,
     * "latencyMillis":0,"count":2,"always":false,"probability":null,"clientId":null,"seed":42}}.
     * endpoint and kind are required (enum names, case-insensitive); members that do not apply to
     * the kind are ignored. Defaults: status 503 (SERVER_ERROR), retryAfterSeconds 1 (RATE_LIMIT),
     * latencyMillis required for LATENCY, count 1. count, always=true and probability exclude each
     * other.
     */
    Fault parseFault(ObjectNode body) throws BadRequest {
        rejectUnknown(body, FAULT_FIELDS);
        Endpoint endpoint = parseEnum(Endpoint.class, requiredString(body, "endpoint"), "endpoint");
        FaultKind kind = parseEnum(FaultKind.class, requiredString(body, "kind"), "kind");
        Fault fault;
        try {
            fault =
                    switch (kind) {
                        case RATE_LIMIT -> {
                            Double seconds = optionalNumber(body, "retryAfterSeconds");
                            double s = seconds == null ? 1.0 : seconds;
                            if (s < 0) {
                                throw new BadRequest("retryAfterSeconds must be >= 0");
                            }
                            yield Fault.rateLimit(
                                    endpoint, Duration.ofMillis(Math.round(s * 1000)));
                        }
                        case SERVER_ERROR -> {
                            Long status = optionalLong(body, "status");
                            yield Fault.serverError(
                                    endpoint, status == null ? 503 : Math.toIntExact(status));
                        }
                        case LATENCY -> {
                            Long ms = optionalLong(body, "latencyMillis");
                            if (ms == null || ms < 0) {
                                throw new BadRequest(
                                        "latencyMillis (>= 0) is required for LATENCY");
                            }
                            yield Fault.latency(endpoint, Duration.ofMillis(ms));
                        }
                        case DROP -> Fault.drop(endpoint);
                        case DROP_AFTER_COMMIT -> Fault.dropAfterCommit(endpoint);
                        case FORBIDDEN -> Fault.forbidden(endpoint);
                        case GARBLED_AFTER_COMMIT -> Fault.garbledAfterCommit(endpoint);
                    };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BadRequest(e.getMessage());
        }
        Long count = optionalLong(body, "count");
        JsonNode alwaysNode = body.get("always");
        if (alwaysNode != null && !alwaysNode.isNull() && !alwaysNode.isBoolean()) {
            throw new BadRequest("always must be a boolean");
        }
        boolean always = alwaysNode != null && alwaysNode.asBoolean(false);
        Double probability = optionalNumber(body, "probability");
        int modes = (count != null ? 1 : 0) + (always ? 1 : 0) + (probability != null ? 1 : 0);
        if (modes > 1) {
            throw new BadRequest("use only one of count, always=true, probability");
        }
        try {
            if (count != null) {
                if (count < 1 || count > Integer.MAX_VALUE) {
                    throw new BadRequest("count must be >= 1");
                }
                fault.times(count.intValue());
            } else if (always) {
                fault.always();
            } else if (probability != null) {
                fault.withProbability(probability);
            }
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        fault.forAccount(optionalString(body, "clientId"));
        Long seed = optionalLong(body, "seed");
        if (seed != null) {
            fault.withSeed(seed);
        }
        return fault;
    }

    private ObjectNode requestsJson() {
        ObjectNode body = Replies.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("requests");
        for (RecordedRequest r : sim.requests()) {
            ObjectNode o = list.addObject();
            o.put("at", r.at().toString());
            o.put("method", r.method());
            o.put("path", r.path());
            o.put("clientId", r.clientId());
            o.put("keyId", r.keyId());
            o.put("status", r.status());
            o.put("fault", r.fault());
        }
        return body;
    }

    // ------------------------------------------------------------------------------------------
    // JSON input helpers

    private ObjectNode readObject(HttpExchange ex) throws IOException, BadRequest {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readNBytes(KeyApi.MAX_BODY_BYTES + 1);
        }
        if (raw.length > KeyApi.MAX_BODY_BYTES) {
            throw new BadRequest(413, "request body too large");
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new BadRequest("a JSON object body is required");
        }
        JsonNode node;
        try {
            node = Replies.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRequest("body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequest("body must be a JSON object");
        }
        return object;
    }

    private static void rejectUnknown(ObjectNode body, Set<String> allowed) throws BadRequest {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new BadRequest(
                        "unknown member '"
                                + name
                                + "'; allowed: "
                                + allowed.stream().sorted().toList());
            }
        }
    }

    private static String requiredString(ObjectNode body, String name) throws BadRequest {
        String value = optionalString(body, name);
        if (value == null || value.isBlank()) {
            throw new BadRequest(name + " is required (a non-empty string)");
        }
        return value;
    }

    private static String optionalString(ObjectNode body, String name) throws BadRequest {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new BadRequest(name + " must be a string");
        }
        return n.textValue();
    }

    private static Long optionalLong(ObjectNode body, String name) throws BadRequest {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new BadRequest(name + " must be an integer");
        }
        return n.longValue();
    }

    private static Double optionalNumber(ObjectNode body, String name) throws BadRequest {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new BadRequest(name + " must be a number");
        }
        return n.doubleValue();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String name)
            throws BadRequest {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.isEmpty() ? "" : ", ").append(c.name());
            }
            throw new BadRequest(name + " must be one of " + allowed);
        }
    }
}
