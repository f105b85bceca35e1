package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful stand-in for Veryfi's partner key-management API ({@code /api/v8/partner/client-keys}),
 * enforcing its documented rules (auth headers and request signature, two live keys per account, the
 * last key cannot be deleted, reset invalidates every previous key) with fault injection and request
 * recording. Bound to 127.0.0.1 only.
 *
 * <p>Use it in-process ({@code try (var sim = VeryfiSimulator.start(0)) { ... }}) or standalone via
 * {@link VeryfiSimulatorMain}. Non-Java callers drive it through the admin API under
 * {@code /__admin/} (see {@link AdminApi}).
 *
 * <p>Key values and client secrets are never recorded, logged or printed; the only places a value
 * leaves the simulator are the return values of {@link #createAccount}/{@link #addKey}, the
 * {@code POST /__admin/accounts} response, and the create/reset API responses (as the real API does).
 */
public final class VeryfiSimulator implements AutoCloseable {

    static final String KEYS_PATH = "/api/v8/partner/client-keys";
    static final String DOCUMENTS_PATH = "/api/v8/partner/documents";
    static final String ADMIN_PREFIX = "/__admin";
    static final int MAX_LIVE_KEYS = 2;
    static final int MAX_BODY_BYTES = 1 << 20;

    final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final AtomicLong nextKeyId = new AtomicLong(1);
    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());
    private final SecureRandom secureRandom = new SecureRandom();
    private final List<ActiveFault> faults = new ArrayList<>();          // guarded by itself
    private final List<RecordedRequest> requests = new ArrayList<>();    // guarded by itself
    private final AdminApi admin = new AdminApi(this);
    private volatile boolean closed;

    private VeryfiSimulator(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a simulator on 127.0.0.1:{@code port}; 0 picks a free port. */
    public static VeryfiSimulator start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, got " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the Veryfi simulator to 127.0.0.1:" + port, e);
        }
        // One virtual thread per exchange: a LATENCY fault sleeping on one request never blocks others.
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("veryfi-simulator-", 0).factory());
        VeryfiSimulator sim = new VeryfiSimulator(server, executor);
        server.createContext("/", sim::dispatch);
        server.setExecutor(executor);
        server.start();
        return sim;
    }

    /** Runs the simulator standalone; see {@link VeryfiSimulatorMain#main(String[])}. */
    public static void main(String[] args) throws InterruptedException {
        VeryfiSimulatorMain.main(args);
    }

    /** e.g. {@code http://127.0.0.1:PORT}: no trailing slash, no {@code /api/v8}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Creates an account with ONE live key and returns that key.
     *
     * @param clientSecret may be null: then requests of this account are not signature-checked
     * @throws IllegalStateException if the client id is already taken
     */
    public SimulatedKey createAccount(String clientId, String username, String clientSecret) {
        return createAccount(clientId, username, clientSecret, null);
    }

    /**
     * As {@link #createAccount(String, String, String)}, accepting only signatures made with
     * {@code onlyScheme} (null: both, as Veryfi does).
     */
    public SimulatedKey createAccount(String clientId, String username, String clientSecret,
                                      RequestSignature.Scheme onlyScheme) {
        requireText(clientId, "clientId");
        requireText(username, "username");
        if (clientSecret != null && clientSecret.isEmpty()) {
            throw new IllegalArgumentException("clientSecret must be null or non-empty");
        }
        Account account = new Account(clientId, username, clientSecret, onlyScheme);
        synchronized (account) {
            if (accounts.putIfAbsent(clientId, account) != null) {
                throw new IllegalStateException("account already exists: " + clientId);
            }
            return account.newKey();
        }
    }

    /**
     * Adds a live key to an existing account, bypassing HTTP (for test setup), with the same two-key
     * limit as the API.
     *
     * @throws IllegalArgumentException if the account is unknown
     * @throws IllegalStateException    if the account already has two live keys
     */
    public SimulatedKey addKey(String clientId) {
        Account account = requireAccount(clientId);
        synchronized (account) {
            if (account.live.size() >= MAX_LIVE_KEYS) {
                throw new IllegalStateException("account already has " + MAX_LIVE_KEYS + " live keys");
            }
            return account.newKey();
        }
    }

    /** Ids of the account's live keys, ascending; empty if the account is unknown. */
    public List<Long> liveKeyIds(String clientId) {
        Account account = clientId == null ? null : accounts.get(clientId);
        if (account == null) {
            return List.of();
        }
        synchronized (account) {
            return List.copyOf(account.live.keySet());
        }
    }

    /** True if {@code keyValue} is a live key of the account. */
    public boolean isLive(String clientId, String keyValue) {
        Account account = clientId == null ? null : accounts.get(clientId);
        if (account == null || keyValue == null) {
            return false;
        }
        synchronized (account) {
            return account.findKey(keyValue) != null;
        }
    }

    /**
     * While on, keys created for the account are live (listed, count toward the limit, deletable)
     * but rejected when used: the case a rotation's verification step exists for.
     */
    public void rejectNewKeys(String clientId, boolean reject) {
        Account account = accounts.get(clientId);
        if (account == null) {
            throw new IllegalArgumentException("unknown account " + clientId);
        }
        synchronized (account) {
            account.rejectNewKeys = reject;
        }
    }

    /**
     * Every key value this simulator ever issued, live or not. For leak tests only: they scan
     * logs, histories and messages for these strings.
     */
    public List<String> issuedKeyValues() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /** True if the account exists. */
    public boolean hasAccount(String clientId) {
        return clientId != null && accounts.containsKey(clientId);
    }

    private record Received(Endpoint endpoint, String clientId) {
    }

    private final List<Received> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * How many key-management requests of {@code endpoint} for {@code clientId} have arrived, counted
     * on arrival (before any fault or latency): a test can act while such a request is in flight.
     */
    public long received(Endpoint endpoint, String clientId) {
        return received.stream().filter(r -> r.endpoint() == endpoint && java.util.Objects.equals(r.clientId(), clientId)).count();
    }

    /** Snapshot of the recorded key-management requests, in arrival order (admin calls are not recorded). */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
        received.clear();
    }

    /** Injects a snapshot of {@code fault}; faults are matched in injection order. */
    public void inject(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        ActiveFault active = new ActiveFault(fault.copy());
        synchronized (faults) {
            faults.add(active);
        }
    }

    /** Snapshot of the faults still active (with their remaining counts), in injection order. */
    public List<Fault> faults() {
        synchronized (faults) {
            List<Fault> out = new ArrayList<>(faults.size());
            for (ActiveFault f : faults) {
                Fault copy = f.fault.copy();
                if (f.remaining != null) {
                    copy.times(f.remaining);
                }
                out.add(copy);
            }
            return List.copyOf(out);
        }
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** Removes the faults scoped to one account ({@link Fault#forAccount}); other accounts' faults stay. */
    public void clearFaults(String clientId) {
        synchronized (faults) {
            faults.removeIf(f -> Objects.equals(clientId, f.fault.clientId()));
        }
    }

    /** Forgets accounts, faults and requests. Key ids keep increasing (never reused). */
    public void resetAll() {
        accounts.clear();
        clearFaults();
        clearRequests();
    }

    /** Stops the server and releases the port; in-flight requests are abandoned. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------
    // HTTP

    private void dispatch(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/")) {
                admin.handle(ex, path.substring(ADMIN_PREFIX.length()));
            } else {
                handleApi(ex, path);
            }
        } catch (RuntimeException | IOException e) {
            // Never include request data (it may hold keys) in the message.
            try {
                sendJson(ex, 500, error("INTERNAL_ERROR", "simulator failure: " + e.getClass().getSimpleName()), Map.of());
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        } finally {
            ex.close();
        }
    }

    /** A route of the key API: endpoint null means the request is answered with {@code status} (404/405). */
    private record Route(Endpoint endpoint, String idSegment, int status) {
    }

    private static Route route(String method, String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals(KEYS_PATH)) {
            return switch (method) {
                case "GET" -> new Route(Endpoint.LIST, null, 0);
                case "POST" -> new Route(Endpoint.CREATE, null, 0);
                default -> new Route(null, null, 405);
            };
        }
        if (p.equals(DOCUMENTS_PATH)) {
            return method.equals("GET") ? new Route(Endpoint.DOCUMENTS, null, 0) : new Route(null, null, 405);
        }
        if (p.equals(KEYS_PATH + "/reset")) {
            return method.equals("POST") ? new Route(Endpoint.RESET, null, 0) : new Route(null, null, 405);
        }
        if (p.startsWith(KEYS_PATH + "/")) {
            String rest = p.substring(KEYS_PATH.length() + 1);
            if (rest.contains("/")) {
                return new Route(null, null, 404);
            }
            return method.equals("DELETE") ? new Route(Endpoint.DELETE, rest, 0) : new Route(null, null, 405);
        }
        return new Route(null, null, 404);
    }

    /** Result of auth + processing. */
    private record Outcome(int status, JsonNode body, Long keyId) {
    }

    /** An API error answered as {@code {"status":"fail","code":..,"message":..}}. */
    private static final class ApiError extends Exception {
        final int status;
        final String code;
        final Long keyId;

        ApiError(int status, String code, String message, Long keyId) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.keyId = keyId;
        }
    }

    private void handleApi(HttpExchange ex, String path) throws IOException {
        Instant at = Instant.now();
        String method = ex.getRequestMethod();
        String clientId = ex.getRequestHeaders().getFirst("CLIENT-ID");
        Route route = route(method, path);
        if (route.endpoint != null) {
            received.add(new Received(route.endpoint, clientId));
        }
        if (route.endpoint == null) {
            String code = route.status == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND";
            String message = route.status == 405 ? "Method not allowed" : "No such resource";
            record(at, method, path, clientId, null, route.status, null);
            sendJson(ex, route.status, error(code, message), Map.of());
            return;
        }

        byte[] rawBody;
        try (InputStream in = ex.getRequestBody()) {
            rawBody = in.readNBytes(MAX_BODY_BYTES + 1);
        }

        String faultName = null;
        ActiveFault pre = pickFault(route.endpoint, clientId, false);
        if (pre != null) {
            Fault f = pre.fault;
            faultName = f.kind().name();
            switch (f.kind()) {
                case RATE_LIMIT -> {
                    record(at, method, path, clientId, null, 429, faultName);
                    sendJson(ex, 429, error("YOU_HAVE_BEEN_RATE_LIMITED", "You have been rate limited"),
                            Map.of("Retry-After", Long.toString(f.retryAfterSeconds())));
                    return;
                }
                case SERVER_ERROR -> {
                    record(at, method, path, clientId, null, f.status(), faultName);
                    sendJson(ex, f.status(), error(serverErrorCode(f.status()), "Simulated server error"), Map.of());
                    return;
                }
                case DROP -> {
                    record(at, method, path, clientId, null, 0, faultName);
                    drop(ex);
                    return;
                }
                case LATENCY -> {
                    try {
                        Thread.sleep(f.duration());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        drop(ex); // the simulator is shutting down
                        return;
                    }
                }
                case FORBIDDEN -> {
                    record(at, method, path, clientId, null, 403, faultName);
                    sendJson(ex, 403, error("ACCESS_DENIED", "Not allowed"), Map.of());
                    return;
                }
                case DROP_AFTER_COMMIT, GARBLED_AFTER_COMMIT -> throw new IllegalStateException("not a pre-processing fault");
            }
        }

        Outcome outcome;
        if (rawBody.length > MAX_BODY_BYTES) {
            outcome = new Outcome(413, error("REQUEST_TOO_LARGE", "Request body too large"), null);
        } else {
            outcome = authenticateAndProcess(route, clientId, ex, new String(rawBody, StandardCharsets.UTF_8));
        }

        if (outcome.status / 100 == 2) {
            ActiveFault post = pickFault(route.endpoint, clientId, true);
            if (post != null) {
                String kind = post.fault.kind().name();
                faultName = faultName == null ? kind : faultName + "+" + kind;
                if (post.fault.kind() == FaultKind.GARBLED_AFTER_COMMIT) {
                    record(at, method, path, clientId, outcome.keyId, outcome.status, faultName);
                    byte[] garbled = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "text/html");
                    ex.sendResponseHeaders(outcome.status, garbled.length);
                    try (var out = ex.getResponseBody()) {
                        out.write(garbled);
                    }
                    return;
                }
                record(at, method, path, clientId, outcome.keyId, 0, faultName);
                drop(ex);
                return;
            }
        }
        record(at, method, path, clientId, outcome.keyId, outcome.status, faultName);
        sendJson(ex, outcome.status, outcome.body, Map.of());
    }

    private Outcome authenticateAndProcess(Route route, String clientId, HttpExchange ex, String body) {
        Account account = clientId == null ? null : accounts.get(clientId);
        if (account == null) {
            return failure(new ApiError(401, "UNAUTHORIZED", "Unauthorized: unknown or missing CLIENT-ID", null));
        }
        // Auth and processing happen under the account lock: a key deleted or reset by a concurrent
        // request cannot authenticate a call that is processed afterwards.
        synchronized (account) {
            try {
                long keyId = authenticate(account, ex, body);
                return process(account, route, keyId);
            } catch (ApiError e) {
                return failure(e);
            }
        }
    }

    private Outcome failure(ApiError e) {
        return new Outcome(e.status, error(e.code, e.getMessage()), e.keyId);
    }

    /** @return the id of the live key that authenticated the call */
    private long authenticate(Account account, HttpExchange ex, String body) throws ApiError {
        String authorization = ex.getRequestHeaders().getFirst("AUTHORIZATION");
        if (authorization == null) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: missing AUTHORIZATION header", null);
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "apikey ", 0, 7)) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: AUTHORIZATION must be 'apikey <USERNAME>:<API_KEY>'", null);
        }
        String credentials = value.substring(7).strip();
        int colon = credentials.lastIndexOf(':');
        if (colon <= 0 || colon == credentials.length() - 1) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: AUTHORIZATION must be 'apikey <USERNAME>:<API_KEY>'", null);
        }
        String username = credentials.substring(0, colon);
        String key = credentials.substring(colon + 1);
        if (!username.equals(account.username)) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: username does not match the account", null);
        }
        Long keyId = account.findKey(key);
        if (keyId != null && account.unusable.contains(keyId)) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: the API key is not active yet", null);
        }
        if (keyId == null) {
            throw new ApiError(401, "UNAUTHORIZED", "Unauthorized: the API key is not a live key of this account", null);
        }
        if (account.clientSecret != null) {
            verifySignature(account, ex, body);
        }
        return keyId;
    }

    private static void verifySignature(Account account, HttpExchange ex, String body) throws ApiError {
        String timestampHeader = ex.getRequestHeaders().getFirst("X-Veryfi-Request-Timestamp");
        String signature = ex.getRequestHeaders().getFirst("X-Veryfi-Request-Signature");
        if (timestampHeader == null || timestampHeader.isBlank()) {
            throw new ApiError(401, "INVALID_SIGNATURE", "Missing X-Veryfi-Request-Timestamp header", null);
        }
        if (signature == null || signature.isBlank()) {
            throw new ApiError(401, "INVALID_SIGNATURE", "Missing X-Veryfi-Request-Signature header", null);
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            throw new ApiError(401, "INVALID_SIGNATURE", "X-Veryfi-Request-Timestamp must be Unix milliseconds", null);
        }
        if (Math.abs(System.currentTimeMillis() - timestamp) > RequestSignature.VALIDITY.toMillis()) {
            throw new ApiError(401, "INVALID_SIGNATURE", "X-Veryfi-Request-Timestamp is more than "
                    + RequestSignature.VALIDITY.toMinutes() + " minutes away: the signature has expired", null);
        }
        byte[] given = signature.strip().getBytes(StandardCharsets.UTF_8);
        for (RequestSignature.Scheme scheme : RequestSignature.Scheme.values()) {
            if (account.onlyScheme != null && account.onlyScheme != scheme) {
                continue;
            }
            String expected;
            try {
                expected = RequestSignature.sign(scheme, account.clientSecret, body, timestamp);
            } catch (IllegalArgumentException e) {
                throw new ApiError(401, "INVALID_SIGNATURE", "Cannot verify the signature: " + e.getMessage(), null);
            }
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
                return;
            }
        }
        throw new ApiError(401, "INVALID_SIGNATURE", "Request signature does not match", null);
    }

    private Outcome process(Account account, Route route, long keyId) throws ApiError {
        switch (route.endpoint) {
            case LIST -> {
                ObjectNode body = mapper.createObjectNode();
                ArrayNode keys = body.putArray("api_keys");
                account.live.forEach((id, value) -> keys.addObject().put("id", id).put("value", mask(value)));
                return new Outcome(200, body, keyId);
            }
            case DOCUMENTS -> {
                ObjectNode body = mapper.createObjectNode();
                body.putArray("documents");
                return new Outcome(200, body, keyId);
            }
            case CREATE -> {
                if (account.live.size() >= MAX_LIVE_KEYS) {
                    throw new ApiError(400, "KEY_LIMIT_REACHED",
                            "The account already has " + MAX_LIVE_KEYS + " active API keys", keyId);
                }
                SimulatedKey key = account.newKey();
                ObjectNode body = mapper.createObjectNode().put("id", key.id()).put("value", key.value());
                return new Outcome(201, body, keyId);
            }
            case DELETE -> {
                long id;
                try {
                    id = Long.parseLong(route.idSegment);
                } catch (NumberFormatException e) {
                    throw new ApiError(400, "MALFORMED_PARAMETERS", "Malformed parameters: key id must be an integer", keyId);
                }
                if (!account.live.containsKey(id)) {
                    throw new ApiError(404, "NOT_FOUND", "No such API key", keyId);
                }
                if (account.live.size() == 1) {
                    throw new ApiError(400, "LAST_KEY", "Cannot delete the last remaining API key", keyId);
                }
                account.live.remove(id);
                return new Outcome(204, null, keyId);
            }
            case RESET -> {
                int count = account.live.size();
                account.live.clear();
                ObjectNode body = mapper.createObjectNode();
                ArrayNode keys = body.putArray("api_keys");
                for (int i = 0; i < count; i++) {
                    SimulatedKey key = account.newKey();
                    keys.addObject().put("id", key.id()).put("value", key.value());
                }
                return new Outcome(201, body, keyId);
            }
            default -> throw new IllegalStateException("unexpected endpoint " + route.endpoint);
        }
    }

    /** Reveals at most the first 4 characters. */
    static String mask(String value) {
        return value.length() <= 4 ? "****" : value.substring(0, 4) + "****";
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

    ObjectNode error(String code, String message) {
        return mapper.createObjectNode().put("status", "fail").put("code", code).put("message", message);
    }

    /**
     * Closes the connection without writing a single byte. com.sun.net.httpserver's
     * {@code ExchangeImpl.close()} closes the underlying socket when {@code sendResponseHeaders} was
     * never called ("the wrapper output stream is not set up"), so the client reads EOF before any
     * status line and its HttpClient fails with an IOException. {@code DropTest} verifies this.
     * (Declaring a length and closing early would instead leak a status line to the client.)
     */
    private static void drop(HttpExchange ex) {
        ex.close();
    }

    void sendJson(HttpExchange ex, int status, JsonNode body, Map<String, String> headers) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("x-veryfi-trace-id", UUID.randomUUID().toString());
        headers.forEach(h::set);
        if (body == null || status == 204) {
            ex.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = mapper.writeValueAsBytes(body);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private void record(Instant at, String method, String path, String clientId, Long keyId, int status, String fault) {
        // Recorded before the response is written, so a client that got its response always sees its record.
        RecordedRequest r = new RecordedRequest(at, method, path, clientId, keyId, status, fault);
        synchronized (requests) {
            requests.add(r);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Faults

    /** An injected fault with its own count and random source. */
    private static final class ActiveFault {
        final Fault fault;
        Integer remaining;   // null = unlimited; guarded by the faults list
        final Random random;

        ActiveFault(Fault fault) {
            this.fault = fault;
            this.remaining = fault.count();
            this.random = new Random(fault.seed());
        }
    }

    /**
     * The first injected fault (in injection order) that matches and fires: DROP_AFTER_COMMIT faults
     * when {@code afterCommit}, all others otherwise. Consumes one count of the fault returned.
     */
    private ActiveFault pickFault(Endpoint endpoint, String clientId, boolean afterCommit) {
        synchronized (faults) {
            Iterator<ActiveFault> it = faults.iterator();
            while (it.hasNext()) {
                ActiveFault active = it.next();
                Fault f = active.fault;
                if (f.kind().afterCommit() != afterCommit
                        || !f.endpoint().matches(endpoint)
                        || (f.clientId() != null && !f.clientId().equals(clientId))) {
                    continue;
                }
                if (f.probability() != null && active.random.nextDouble() >= f.probability()) {
                    continue;
                }
                if (active.remaining != null) {
                    active.remaining--;
                    if (active.remaining <= 0) {
                        it.remove();
                    }
                }
                return active;
            }
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Accounts

    Account requireAccount(String clientId) {
        Account account = clientId == null ? null : accounts.get(clientId);
        if (account == null) {
            throw new IllegalArgumentException("unknown account: " + clientId);
        }
        return account;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** One Veryfi account. All mutable state guarded by the instance lock. */
    final class Account {
        final String clientId;
        final String username;
        final String clientSecret;
        /** null: signatures of either scheme are accepted. */
        final RequestSignature.Scheme onlyScheme;
        final TreeMap<Long, String> live = new TreeMap<>();
        /** Live keys that authenticate nothing: a new key Veryfi never activated. */
        final Set<Long> unusable = new HashSet<>();
        boolean rejectNewKeys;

        Account(String clientId, String username, String clientSecret, RequestSignature.Scheme onlyScheme) {
            this.clientId = clientId;
            this.username = username;
            this.clientSecret = clientSecret;
            this.onlyScheme = onlyScheme;
        }

        /** Caller holds the lock. */
        SimulatedKey newKey() {
            byte[] bytes = new byte[16];
            secureRandom.nextBytes(bytes);
            String value = HexFormat.of().formatHex(bytes);
            long id = nextKeyId.getAndIncrement();
            live.put(id, value);
            issued.add(value);
            if (rejectNewKeys) {
                unusable.add(id);
            }
            return new SimulatedKey(id, value);
        }

        /** Caller holds the lock. Constant-time comparison against every live key. */
        Long findKey(String candidate) {
            byte[] c = candidate.getBytes(StandardCharsets.UTF_8);
            Long found = null;
            for (Map.Entry<Long, String> e : live.entrySet()) {
                if (MessageDigest.isEqual(e.getValue().getBytes(StandardCharsets.UTF_8), c)) {
                    found = e.getKey();
                }
            }
            return found;
        }
    }
}
