package io.veryfikeys.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stateful stand-in for Veryfi's partner key-management API ({@code
 * /api/v8/partner/client-keys}), enforcing its documented rules (auth headers and request
 * signature, two live keys per account, the last key cannot be deleted, reset invalidates every
 * previous key) with fault injection and request recording. Bound to 127.0.0.1 only.
 *
 * <p>Use it in-process ({@code try (var sim = VeryfiSimulator.start(0)) { ... }}) or standalone via
 * {@link VeryfiSimulatorMain}. Non-Java callers drive it through the admin API under {@code
 * /__admin/} (see {@link AdminApi}).
 *
 * <p>This class is the front door; the work is done by {@link Account} (one account's keys and
 * Veryfi's key rules), {@link Accounts}, {@link KeyApi} (the HTTP API: routing, faults, {@link
 * Authentication}, recording), {@link Faults}, {@link RequestLog} and {@link AdminApi}.
 *
 * <p>Key values and client secrets are never recorded, logged or printed; the only places a value
 * leaves the simulator are the return values of {@link #createAccount}/{@link #addKey}, the {@code
 * POST /__admin/accounts} response, and the create/reset API responses (as the real API does).
 */
public final class VeryfiSimulator implements AutoCloseable {

    static final String ADMIN_PREFIX = "/__admin";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ChangeListeners listeners = new ChangeListeners();
    private final Accounts accounts = new Accounts(listeners);
    private final Faults faults = new Faults();
    private final RequestLog requestLog = new RequestLog();
    private final KeyApi keyApi = new KeyApi(accounts, faults, requestLog);
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
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot bind the Veryfi simulator to 127.0.0.1:" + port, e);
        }
        // One virtual thread per exchange: a LATENCY fault sleeping on one request never blocks
        // others.
        ExecutorService executor =
                Executors.newThreadPerTaskExecutor(
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

    // ------------------------------------------------------------------------------------------
    // Accounts and keys

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
     * As {@link #createAccount(String, String, String)}, accepting only signatures made with {@code
     * onlyScheme} (null: both, as Veryfi does).
     */
    public SimulatedKey createAccount(
            String clientId,
            String username,
            String clientSecret,
            RequestSignature.Scheme onlyScheme) {
        return accounts.create(new Account.Identity(clientId, username, clientSecret, onlyScheme));
    }

    /**
     * Adds a live key to an existing account, bypassing HTTP (for test setup), with the same
     * two-key limit as the API.
     *
     * @throws IllegalArgumentException if the account is unknown
     * @throws IllegalStateException if the account already has two live keys
     */
    public SimulatedKey addKey(String clientId) {
        try {
            return accounts.require(clientId).addKey();
        } catch (ApiError e) {
            throw new IllegalStateException(
                    "account already has " + Account.MAX_LIVE_KEYS + " live keys");
        }
    }

    /** Ids of the account's live keys, ascending; empty if the account is unknown. */
    public List<Long> liveKeyIds(String clientId) {
        Account account = accounts.find(clientId);
        return account == null ? List.of() : account.liveKeyIds();
    }

    /** True if {@code keyValue} is a live key of the account. */
    public boolean isLive(String clientId, String keyValue) {
        Account account = accounts.find(clientId);
        return account != null && keyValue != null && account.findKey(keyValue) != null;
    }

    /**
     * While on, keys created for the account are live (listed, count toward the limit, deletable)
     * but rejected when used: the case a rotation's verification step exists for.
     */
    public void rejectNewKeys(String clientId, boolean reject) {
        Account account = accounts.find(clientId);
        if (account == null) {
            throw new IllegalArgumentException("unknown account " + clientId);
        }
        account.rejectNewKeys(reject);
    }

    /**
     * Every key value this simulator ever issued, live or not. For leak tests only: they scan logs,
     * histories and messages for these strings.
     */
    public List<String> issuedKeyValues() {
        return accounts.issuedKeyValues();
    }

    /** True if the account exists. */
    public boolean hasAccount(String clientId) {
        return accounts.find(clientId) != null;
    }

    // ------------------------------------------------------------------------------------------
    // Change events

    /**
     * From now on, {@code listener} is told of every change to an account's keys, synchronously and
     * right after it (see {@link ChangeListener} for the rules a listener must keep).
     */
    public void addChangeListener(ChangeListener listener) {
        listeners.add(listener);
    }

    public void removeChangeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------------------------------
    // Requests

    /**
     * How many key-management requests of {@code endpoint} for {@code clientId} have arrived,
     * counted on arrival (before any fault or latency): a test can act while such a request is in
     * flight.
     */
    public long received(Endpoint endpoint, String clientId) {
        return requestLog.arrivals(endpoint, clientId);
    }

    /**
     * How many requests of {@code endpoint} ({@link Endpoint#ANY}: of the four key endpoints) for
     * {@code clientId} have arrived and are not yet answered. A call whose client gave up may still
     * be waiting out a LATENCY fault here, and change the account when it goes on: a test waits for
     * 0 before it judges the account's final state.
     */
    public int inFlight(Endpoint endpoint, String clientId) {
        return requestLog.inFlight(endpoint, clientId);
    }

    /**
     * Snapshot of the recorded key-management requests, in arrival order (admin calls are not
     * recorded).
     */
    public List<RecordedRequest> requests() {
        return requestLog.answered();
    }

    /**
     * Answers 429 (with {@code Retry-After: 1}) to every request past {@code perSecond} in a
     * wall-clock second, over all accounts, as Veryfi's rate limit would; 0 turns it off.
     */
    public void rateLimit(int perSecond) {
        keyApi.rateLimit.set(perSecond);
    }

    /**
     * How many key-management requests arrived in each wall-clock second (epoch second to count),
     * answered or refused: what a request budget is measured against.
     */
    public java.util.SortedMap<Long, Integer> requestsPerSecond() {
        java.util.SortedMap<Long, Integer> counts = new java.util.TreeMap<>();
        for (RecordedRequest r : requests()) {
            counts.merge(r.at().getEpochSecond(), 1, Integer::sum);
        }
        return counts;
    }

    public void clearRequests() {
        requestLog.clear();
    }

    // ------------------------------------------------------------------------------------------
    // Faults

    /** Injects a snapshot of {@code fault}; faults are matched in injection order. */
    public void inject(Fault fault) {
        faults.inject(fault);
    }

    /** Snapshot of the faults still active (with their remaining counts), in injection order. */
    public List<Fault> faults() {
        return faults.snapshot();
    }

    public void clearFaults() {
        faults.clear();
    }

    /**
     * Removes the faults scoped to one account ({@link Fault#forAccount}); other accounts' faults
     * stay.
     */
    public void clearFaults(String clientId) {
        faults.clear(clientId);
    }

    // ------------------------------------------------------------------------------------------
    // Life cycle

    /** Forgets accounts, faults and requests. Key ids keep increasing (never reused). */
    public void resetAll() {
        accounts.forgetAll();
        rateLimit(0);
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

    private void dispatch(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/")) {
                admin.handle(ex, path.substring(ADMIN_PREFIX.length()));
            } else {
                keyApi.handle(ex, path);
            }
        } catch (RuntimeException | IOException e) {
            // Never include request data (it may hold keys) in the message.
            try {
                Replies.json(
                        ex,
                        500,
                        Replies.error(
                                "INTERNAL_ERROR",
                                "simulator failure: " + e.getClass().getSimpleName()));
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        } finally {
            ex.close();
        }
    }
}
