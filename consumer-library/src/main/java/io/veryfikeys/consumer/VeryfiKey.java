package io.veryfikeys.consumer;

import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Veryfi key of one account, as a consumer should hold it. The one line of set-up:
 *
 * <pre>{@code
 * VeryfiKey key = VeryfiKey.forSecret("veryfi/payroll").checkIn("invoice-worker", table).start();
 * HttpResponse<String> r = key.send("POST", "/api/v8/partner/documents", json);
 * }</pre>
 *
 * <ul>
 *   <li>The key comes from the secret's {@code AWSCURRENT} version and is cached; {@link
 *       #onKeyRotatedMessage} (wire it to the stack's <em>key rotated</em> topic) and the refresh
 *       timer read it again.
 *   <li>A call Veryfi answers 401 or 403 reads {@code AWSCURRENT} again and, if it now holds
 *       another key, is sent once more with it: the caller sees the second answer, so a rotation's
 *       key change costs no rejected business call.
 *   <li>It proves which key it uses: a check-in record (contract {@code check-in}) written at
 *       start, whenever the key changes and at every refresh, and/or a health endpoint (contract
 *       {@code http}) answering {@code {"keyId":..., "healthy":...}}.
 *   <li>{@code healthy} is whether its last Veryfi call succeeded (no call yet: healthy).
 * </ul>
 *
 * Never logs or prints a key: {@link VeryfiCredentials#toString()} names the key id.
 */
public final class VeryfiKey implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VeryfiKey.class.getName());
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final String secretId;
    private final SecretsManagerClient secrets;
    private final boolean ownsSecrets;
    private final HttpClient http;
    private final Clock clock;
    private final CheckInWriter checkIns;
    private final ScheduledExecutorService timer;
    private final HttpServer health;
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private volatile VeryfiCredentials current;

    private VeryfiKey(Builder b) {
        this.secretId = b.secretId;
        this.ownsSecrets = b.secrets == null;
        this.secrets = b.secrets != null ? b.secrets : SecretsManagerClient.create();
        this.http = b.http != null ? b.http : HttpClient.newHttpClient();
        this.clock = b.clock;
        this.checkIns =
                b.checkInConsumer == null
                        ? null
                        : new CheckInWriter(
                                b.checkInTable,
                                secretId,
                                b.checkInConsumer,
                                secrets.serviceClientConfiguration().credentialsProvider(),
                                secrets.serviceClientConfiguration().region(),
                                b.checkInEndpoint != null
                                        ? b.checkInEndpoint
                                        : CheckInWriter.endpoint(
                                                secrets.serviceClientConfiguration().region()),
                                http);
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "veryfi-key-" + secretId);
                            t.setDaemon(true);
                            return t;
                        });
        this.health = b.healthPort < 0 ? null : healthEndpoint(b.healthPort);
        refresh();
        long every = b.refreshEvery.toMillis();
        timer.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Set-up for the account held in secret {@code secretId}. */
    public static Builder forSecret(String secretId) {
        return new Builder(secretId);
    }

    /** The credentials to call with now (the cached {@code AWSCURRENT}). */
    public VeryfiCredentials current() {
        return current;
    }

    /** Whether the last Veryfi call with the current key succeeded. */
    public boolean healthy() {
        return healthy.get();
    }

    /**
     * The stack published a new key (its <em>key rotated</em> topic): read {@code AWSCURRENT} now.
     */
    public void keyRotated() {
        refresh();
    }

    /**
     * A message of the stack's <em>key rotated</em> topic (output {@code KeyRotatedTopicArn}), as
     * SNS delivers it to a Lambda or an SQS queue (the envelope, or the raw event with raw message
     * delivery): {@code {"secretId":..., "keyId":...}}. When it is about this account's secret and
     * names a key other than the one held, {@code AWSCURRENT} is read now.
     *
     * @return whether the key was read again
     */
    public boolean onKeyRotatedMessage(String message) {
        try {
            com.fasterxml.jackson.databind.JsonNode event = JSON.readTree(message);
            if (event.path("Message").isTextual()) {
                event = JSON.readTree(event.get("Message").asText());
            }
            if (!secretId.equals(event.path("secretId").asText(null))
                    || (current != null && event.path("keyId").asLong(-1) == current.keyId())) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        refresh();
        return true;
    }

    /**
     * Reads {@code AWSCURRENT} again; when the key changed (or at every call, with check-in) the
     * check-in record is written.
     */
    public synchronized VeryfiCredentials refresh() {
        VeryfiCredentials read =
                VeryfiCredentials.parse(
                        secretId,
                        secrets.getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT"))
                                .secretString());
        VeryfiCredentials before = current;
        current = read;
        if (before != null && before.keyId() != read.keyId()) {
            healthy.set(true); // a new key has made no call yet
            LOG.info(() -> "veryfi key of " + secretId + " is now key " + read.keyId());
        }
        checkIn();
        return read;
    }

    /**
     * Sends one request to Veryfi with the current key ({@code path} relative to the account's base
     * URL; {@code jsonBody} null for none). On 401/403 it reads {@code AWSCURRENT} again and, if
     * that holds another key, sends the request once more with it.
     */
    public HttpResponse<String> send(String method, String path, String jsonBody)
            throws IOException, InterruptedException {
        VeryfiCredentials used = current;
        HttpResponse<String> answer = sendWith(used, method, path, jsonBody);
        if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            VeryfiCredentials now = refresh();
            if (now.keyId() != used.keyId()) {
                answer = sendWith(now, method, path, jsonBody);
            }
        }
        boolean ok = answer.statusCode() != 401 && answer.statusCode() != 403;
        if (healthy.getAndSet(ok) != ok) {
            checkIn();
        }
        return answer;
    }

    private HttpResponse<String> sendWith(
            VeryfiCredentials credentials, String method, String path, String jsonBody)
            throws IOException, InterruptedException {
        long timestamp = clock.millis();
        String base = credentials.baseUrl().toString();
        URI uri =
                URI.create(
                        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                                + (path.startsWith("/") ? path : "/" + path));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("CLIENT-ID", credentials.clientId())
                        .header("AUTHORIZATION", credentials.authorization())
                        .header("Accept", "application/json")
                        .header("Content-Type", "application/json")
                        .header("X-Veryfi-Request-Timestamp", Long.toString(timestamp))
                        .method(
                                method,
                                jsonBody == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (credentials.clientSecret() != null) {
            request.header(
                    "X-Veryfi-Request-Signature",
                    RequestSigning.sign(credentials.clientSecret(), jsonBody, timestamp));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void checkIn() {
        if (checkIns == null || current == null) {
            return;
        }
        try {
            checkIns.write(current.keyId(), healthy.get(), clock.instant());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "check-in failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reading " + secretId + " failed: " + e.getMessage());
        }
    }

    private HttpServer healthEndpoint(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext(
                    "/health",
                    exchange -> {
                        VeryfiCredentials now = current;
                        byte[] body =
                                ("{\"keyId\":"
                                                + (now == null ? "null" : now.keyId())
                                                + ",\"healthy\":"
                                                + healthy.get()
                                                + "}")
                                        .getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(now == null ? 503 : 200, body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the health endpoint on port " + port, e);
        }
    }

    /** The health endpoint's port (useful with port 0), or -1 without one. */
    public int healthPort() {
        return health == null ? -1 : health.getAddress().getPort();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (health != null) {
            health.stop(0);
        }
        if (ownsSecrets) {
            secrets.close();
        }
    }

    /** How the key is held; {@link #start()} reads it the first time. */
    public static final class Builder {
        private final String secretId;
        private SecretsManagerClient secrets;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();
        private Duration refreshEvery = Duration.ofMinutes(5);
        private String checkInConsumer;
        private String checkInTable;
        private URI checkInEndpoint;
        private int healthPort = -1;

        private Builder(String secretId) {
            if (secretId == null || secretId.isBlank()) {
                throw new IllegalArgumentException("a secret name is required");
            }
            this.secretId = secretId;
        }

        /** The Secrets Manager client (default: {@code SecretsManagerClient.create()}). */
        public Builder secretsManager(SecretsManagerClient client) {
            this.secrets = client;
            return this;
        }

        /** The HTTP client for Veryfi and the check-in (default: the JDK's). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** How often {@code AWSCURRENT} is read again (and the check-in renewed): default 5 min. */
        public Builder refreshEvery(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("refreshEvery must be positive");
            }
            this.refreshEvery = every;
            return this;
        }

        /**
         * Contract {@code check-in}: write this consumer's record to the stack's check-in table
         * (output {@code CheckInsTableName}). Keep the registry's {@code maxAgeSeconds} above
         * {@link #refreshEvery}.
         */
        public Builder checkIn(String consumerName, String table) {
            if (consumerName == null || table == null) {
                throw new IllegalArgumentException(
                        "check-in needs the consumer's name and the table");
            }
            this.checkInConsumer = consumerName;
            this.checkInTable = table;
            return this;
        }

        /** Where DynamoDB is, when not the region's endpoint (tests, VPC endpoints). */
        public Builder checkInEndpoint(URI endpoint) {
            this.checkInEndpoint = endpoint;
            return this;
        }

        /** Contract {@code http}: serve {@code GET /health} on this port (0: any free one). */
        public Builder serveHealth(int port) {
            this.healthPort = port;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public VeryfiKey start() {
            return new VeryfiKey(this);
        }
    }
}
