package io.veryfikeys.veryfi;

import io.veryfikeys.support.Log;
import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The client's logic against a scripted transport and a fake clock: no network, no real waiting.
 */
class VeryfiKeysClientTest {
    private static final String KEY = "live-key-VALUE-1111";
    private static final String NEW_KEY = "new-key-VALUE-2222";
    private static final String SECRET = "client-SECRET-3333";
    private static final SecretValue AUTH = SecretValue.of(KEY);
    private static final VeryfiAccount ACCOUNT =
            new VeryfiAccount(
                    URI.create("https://veryfi.test/"), "client-1", "alice", Optional.empty());
    private static final VeryfiAccount SIGNED =
            new VeryfiAccount(
                    URI.create("https://veryfi.test"),
                    "client-1",
                    "alice",
                    Optional.of(SecretValue.of(SECRET)));

    private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ScriptedTransport transport = new ScriptedTransport();
    private final List<Duration> sleeps = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private double jitter = 0.5;

    @BeforeEach
    void captureLog() {
        Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLogAndCheckForLeaks() {
        Log.redirect(null);
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain(KEY).doesNotContain(NEW_KEY).doesNotContain(SECRET);
    }

    private VeryfiKeysClient client(RetryPolicy policy) {
        return new VeryfiKeysClient(
                transport,
                policy,
                Duration.ofSeconds(10),
                d -> {
                    sleeps.add(d);
                    clock.advance(d);
                },
                () -> jitter,
                clock);
    }

    private VeryfiKeysClient client() {
        return client(RetryPolicy.DEFAULT);
    }

    // ------------------------------------------------------------------ the invocation's deadline

    @Test
    void aCallIsNotSentWhenTheInvocationHasNoTimeLeftForIt() {
        io.veryfikeys.lambda.InvocationDeadline.begin(
                io.veryfikeys.lambda.InvocationDeadlineTest.remaining(30_500));
        try {
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> client().createKey(ACCOUNT, AUTH));
            assertThat(e.getMessage()).contains("not sent, no time left in this invocation");
            assertThat(transport.requests).isEmpty();
        } finally {
            io.veryfikeys.lambda.InvocationDeadline.end();
        }
    }

    @Test
    void retriesStopAtTheInvocationsDeadlineRatherThanTheirOwnBudget() {
        // 35 s left: 5 s for retries before the 30 s reserve, far less than the policy's 40 s
        io.veryfikeys.lambda.InvocationDeadline.begin(
                io.veryfikeys.lambda.InvocationDeadlineTest.remaining(35_000));
        try {
            for (int i = 0; i < 20; i++) {
                transport.reply(503, "{\"status\":\"fail\"}");
            }
            assertThatThrownBy(() -> client().listKeyIds(ACCOUNT, AUTH))
                    .isInstanceOf(VeryfiUnavailableException.class);
            Duration waited = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
            assertThat(waited).isLessThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(transport.requests.size()).isLessThan(RetryPolicy.DEFAULT.maxAttempts() + 1);
        } finally {
            io.veryfikeys.lambda.InvocationDeadline.end();
        }
    }

    // ------------------------------------------------------------------ requests

    @Test
    void listSendsTheDocumentedHeadersAndParsesIdsSorted() {
        transport.reply(
                200, "{\"api_keys\":[{\"id\":7,\"value\":\"abc****\"},{\"id\":3},{\"id\":\"5\"}]}");
        assertThat(client().listKeyIds(ACCOUNT, AUTH)).containsExactly(3L, 5L, 7L);

        Transport.Request request = transport.requests.getFirst();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri())
                .isEqualTo(URI.create("https://veryfi.test/api/v8/partner/client-keys"));
        assertThat(request.header("CLIENT-ID")).isEqualTo("client-1");
        assertThat(request.header("AUTHORIZATION")).isEqualTo("apikey alice:" + KEY);
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Veryfi-Request-Timestamp"))
                .isEqualTo(Long.toString(clock.millis()));
        assertThat(request.header("X-Veryfi-Request-Signature")).isNull();
        assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void signsWhenTheAccountHasAClientSecret() {
        transport.reply(204, "");
        client().deleteKey(SIGNED, AUTH, 42);
        Transport.Request request = transport.requests.getFirst();
        assertThat(request.method()).isEqualTo("DELETE");
        assertThat(request.uri())
                .isEqualTo(URI.create("https://veryfi.test/api/v8/partner/client-keys/42"));
        String ts = request.header("X-Veryfi-Request-Timestamp");
        assertThat(request.header("X-Veryfi-Request-Signature"))
                .isEqualTo(
                        RequestSigner.signature(
                                SecretValue.of(SECRET), "{\"timestamp\":\"" + ts + "\"}"));
    }

    @Test
    void pathsTolerateBaseUrlShapes() {
        assertThat(
                        VeryfiKeysClient.uri(
                                URI.create("http://h:1"), VeryfiKeysClient.Operation.RESET, null))
                .isEqualTo(URI.create("http://h:1/api/v8/partner/client-keys/reset"));
        assertThat(
                        VeryfiKeysClient.uri(
                                URI.create("http://h:1//"),
                                VeryfiKeysClient.Operation.CREATE,
                                null))
                .isEqualTo(URI.create("http://h:1/api/v8/partner/client-keys"));
        assertThat(
                        VeryfiKeysClient.uri(
                                URI.create("http://h:1/prefix/"),
                                VeryfiKeysClient.Operation.DELETE,
                                9L))
                .isEqualTo(URI.create("http://h:1/prefix/api/v8/partner/client-keys/9"));
        assertThat(
                        VeryfiKeysClient.uri(
                                URI.create("http://h:1/api/v8/"),
                                VeryfiKeysClient.Operation.LIST,
                                null))
                .isEqualTo(URI.create("http://h:1/api/v8/partner/client-keys"));
    }

    @Test
    void createAndResetParseKeysWithoutShowingValues() {
        transport.reply(201, "{\"id\":12,\"value\":\"" + NEW_KEY + "\"}");
        ApiKey created = client().createKey(SIGNED, AUTH);
        assertThat(created.id()).isEqualTo(12);
        assertThat(created.value().reveal()).isEqualTo(NEW_KEY);
        assertThat(created.toString()).doesNotContain(NEW_KEY);
        assertThat(transport.requests.getFirst().method()).isEqualTo("POST");

        transport.reply(201, "{\"api_keys\":[{\"id\":20,\"value\":\"" + NEW_KEY + "\"}]}");
        List<ApiKey> reset = client().resetKeys(ACCOUNT, AUTH);
        assertThat(reset).extracting(ApiKey::id).containsExactly(20L);
        assertThat(reset.toString()).doesNotContain(NEW_KEY);
        assertThat(transport.requests.get(1).uri().getPath())
                .isEqualTo("/api/v8/partner/client-keys/reset");
    }

    // ------------------------------------------------------------------ malformed 2xx

    @Test
    void malformedSuccessBodiesNeverQuoteTheBody() {
        String[] createBodies = {
            "{\"id\":12}",
            "{\"value\":\"" + NEW_KEY + "\"}",
            "{\"id\":\"x\",\"value\":\"" + NEW_KEY + "\"}",
            NEW_KEY,
            "{\"id\":12,\"value\":\"" + NEW_KEY,
            "",
            "[]",
            "{\"id\":12,\"value\":\"  \"}"
        };
        for (String body : createBodies) {
            transport.reply(201, body);
            MalformedResponseException e =
                    catchThrowableOfType(
                            MalformedResponseException.class,
                            () -> client().createKey(ACCOUNT, AUTH));
            assertThat(e).as(body).isNotNull();
            assertThat(e.status()).isEqualTo(201);
            assertThat(e.getCause()).isNull();
            assertThat(e.getMessage()).contains("create key").doesNotContain(NEW_KEY);
        }
        transport.reply(201, "{\"api_keys\":[]}");
        assertThatThrownBy(() -> client().resetKeys(ACCOUNT, AUTH))
                .isInstanceOf(MalformedResponseException.class);
        transport.reply(
                201, "{\"api_keys\":[{\"id\":1,\"value\":\"" + NEW_KEY + "\"},{\"id\":2}]}");
        assertThatThrownBy(() -> client().resetKeys(ACCOUNT, AUTH))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageNotContaining(NEW_KEY);
        transport.reply(200, "{\"keys\":[]}");
        assertThatThrownBy(() -> client().listKeyIds(ACCOUNT, AUTH))
                .isInstanceOf(MalformedResponseException.class);
        transport.reply(200, "{\"api_keys\":[{\"value\":\"x\"}]}");
        assertThatThrownBy(() -> client().listKeyIds(ACCOUNT, AUTH))
                .isInstanceOf(MalformedResponseException.class);
        // malformed is not transient: one request each
        assertThat(transport.requests).hasSize(createBodies.length + 4);
    }

    // ------------------------------------------------------------------ error mapping

    @Test
    void badRequestOnCreateIsTheKeyLimitUnlessTheCodeSaysOtherwise() {
        transport.reply(
                400,
                "{\"status\":\"fail\",\"code\":\"KEY_LIMIT_REACHED\",\"message\":\"Two keys max\"}",
                "trace-1",
                null);
        KeyLimitReachedException e =
                catchThrowableOfType(
                        KeyLimitReachedException.class, () -> client().createKey(ACCOUNT, AUTH));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage())
                .contains("create key", "HTTP 400", "KEY_LIMIT_REACHED", "trace-1", "Two keys max");

        transport.reply(400, "");
        assertThatThrownBy(() -> client().createKey(ACCOUNT, AUTH))
                .isInstanceOf(KeyLimitReachedException.class);
        transport.reply(400, "{\"code\":\"MALFORMED_PARAMETERS\"}");
        assertThatThrownBy(() -> client().createKey(ACCOUNT, AUTH))
                .isExactlyInstanceOf(VeryfiRequestException.class);
        transport.reply(400, "{\"code\":\"LAST_KEY\"}");
        assertThatThrownBy(() -> client().createKey(ACCOUNT, AUTH))
                .isInstanceOf(LastKeyException.class);
        assertThat(transport.requests).hasSize(4);
    }

    @Test
    void badRequestOnDeleteIsTheLastKeyUnlessTheCodeSaysOtherwise() {
        transport.reply(400, "{\"code\":\"LAST_KEY\",\"message\":\"cannot remove\"}");
        LastKeyException e =
                catchThrowableOfType(
                        LastKeyException.class, () -> client().deleteKey(ACCOUNT, AUTH, 5));
        assertThat(e.getMessage()).contains("delete key 5", "LAST_KEY");
        transport.reply(400, "<html>bad</html>");
        assertThatThrownBy(() -> client().deleteKey(ACCOUNT, AUTH, 5))
                .isInstanceOf(LastKeyException.class);
        transport.reply(400, "{\"error\":\"MALFORMED_PARAMETERS\"}");
        assertThatThrownBy(() -> client().deleteKey(ACCOUNT, AUTH, 5))
                .isExactlyInstanceOf(VeryfiRequestException.class);
        transport.reply(400, "{}");
        assertThatThrownBy(() -> client().listKeyIds(ACCOUNT, AUTH))
                .isExactlyInstanceOf(VeryfiRequestException.class);
    }

    @Test
    void nonRetryableStatusesSurfaceAfterOneAttempt() {
        record Case(int status, Class<? extends VeryfiException> type) {}
        List<Case> cases =
                List.of(
                        new Case(401, VeryfiAuthException.class),
                        new Case(403, VeryfiAuthException.class),
                        new Case(404, KeyNotFoundException.class),
                        new Case(413, VeryfiRequestException.class),
                        new Case(409, VeryfiRequestException.class),
                        new Case(302, MalformedResponseException.class));
        for (Case c : cases) {
            transport.requests.clear();
            transport.reply(
                    c.status(),
                    "{\"code\":\"SOMETHING\",\"message\":\"echo " + KEY + "\"}",
                    "tr-" + c.status(),
                    null);
            VeryfiException e =
                    catchThrowableOfType(
                            VeryfiException.class, () -> client().deleteKey(ACCOUNT, AUTH, 3));
            assertThat(e).isInstanceOf(c.type());
            assertThat(e.status()).isEqualTo(c.status());
            assertThat(e.getMessage()).contains("tr-" + c.status()).doesNotContain(KEY);
            assertThat(transport.requests).hasSize(1);
        }
        assertThat(sleeps).isEmpty();
    }

    // ------------------------------------------------------------------ retries

    @Test
    void serverErrorsAreRetriedWithBackoffUpToTheAttemptBound() {
        transport
                .reply(503, "")
                .reply(500, "")
                .reply(499, "")
                .reply(200, "{\"api_keys\":[{\"id\":1}]}");
        assertThat(client().listKeyIds(ACCOUNT, AUTH)).containsExactly(1L);
        assertThat(transport.requests).hasSize(4);
        // jitter 0.5 of 200, 400, 800
        assertThat(sleeps)
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(logged.toString(StandardCharsets.UTF_8))
                .contains("\"event\":\"veryfi.retry\"")
                .contains("\"attempts\":4");
    }

    @Test
    void serverErrorsBeyondTheBoundSurfaceAsUnavailable() {
        for (int i = 0; i < 5; i++) {
            transport.reply(502, "{\"code\":\"BAD_GATEWAY\"}", "t-" + i, null);
        }
        VeryfiUnavailableException e =
                catchThrowableOfType(
                        VeryfiUnavailableException.class, () -> client().createKey(ACCOUNT, AUTH));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).contains("attempts 4", "t-3");
        assertThat(transport.requests).hasSize(4);
    }

    @Test
    void totalTimeBudgetStopsRetriesEarly() {
        jitter = 1.0;
        RetryPolicy tight =
                RetryPolicy.DEFAULT.withMaxAttempts(10).withMaxTotalTime(Duration.ofMillis(1000));
        for (int i = 0; i < 10; i++) {
            transport.reply(503, "");
        }
        assertThatThrownBy(() -> client(tight).listKeyIds(ACCOUNT, AUTH))
                .isInstanceOf(VeryfiUnavailableException.class)
                .hasMessageContaining("time budget");
        // waits 200 + 400 = 600 ms; the next (800) would end past 1000 ms
        assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        // the per-attempt timeout is cut to what is left of the budget
        assertThat(transport.requests.get(2).timeout()).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void rateLimitWaitsAtLeastRetryAfter() {
        transport
                .reply(429, "{\"code\":\"YOU_HAVE_BEEN_RATE_LIMITED\"}", null, "2")
                .reply(201, "{\"id\":3,\"value\":\"" + NEW_KEY + "\"}");
        assertThat(client().createKey(ACCOUNT, AUTH).id()).isEqualTo(3);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void rateLimitWithoutRetryAfterUsesBackoff() {
        transport.reply(429, "").reply(204, "");
        client().deleteKey(ACCOUNT, AUTH, 1);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void rateLimitBeyondTheCapOrBudgetFailsAtOnce() {
        transport.reply(429, "{\"code\":\"YOU_HAVE_BEEN_RATE_LIMITED\"}", "tr", "31");
        VeryfiRateLimitedException e =
                catchThrowableOfType(
                        VeryfiRateLimitedException.class, () -> client().listKeyIds(ACCOUNT, AUTH));
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(31));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.getMessage()).contains("YOU_HAVE_BEEN_RATE_LIMITED", "tr");
        assertThat(sleeps).isEmpty();

        transport.reply(429, "", null, "20");
        RetryPolicy shortBudget = RetryPolicy.DEFAULT.withMaxTotalTime(Duration.ofSeconds(5));
        assertThatThrownBy(() -> client(shortBudget).listKeyIds(ACCOUNT, AUTH))
                .isInstanceOf(VeryfiRateLimitedException.class);
        assertThat(sleeps).isEmpty();
        assertThat(transport.requests).hasSize(2);
    }

    @Test
    void rateLimitStillThereAfterAllAttempts() {
        for (int i = 0; i < 4; i++) {
            transport.reply(429, "", null, "1");
        }
        VeryfiRateLimitedException e =
                catchThrowableOfType(
                        VeryfiRateLimitedException.class, () -> client().resetKeys(ACCOUNT, AUTH));
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(transport.requests).hasSize(4);
        assertThat(sleeps)
                .hasSize(3)
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void idempotentCallsAreRetriedAfterAnyIoError() {
        transport
                .fail(new SocketTimeoutException("Read timed out"))
                .fail(new IOException("Connection reset"))
                .reply(200, "{\"api_keys\":[]}");
        assertThat(client().listKeyIds(ACCOUNT, AUTH)).isEmpty();
        transport.fail(new IOException("HTTP/1.1 header parser received no bytes")).reply(204, "");
        client().deleteKey(ACCOUNT, AUTH, 4);
        assertThat(transport.requests).hasSize(5);
    }

    @Test
    void createIsNotRetriedWhenTheRequestMayHaveReachedVeryfi() {
        for (IOException error :
                List.of(
                        new SocketTimeoutException("Read timed out"),
                        new IOException("Connection reset"),
                        new IOException("HTTP/1.1 header parser received no bytes"))) {
            transport.requests.clear();
            transport.fail(error).reply(201, "{\"id\":99,\"value\":\"" + NEW_KEY + "\"}");
            VeryfiUnavailableException e =
                    catchThrowableOfType(
                            VeryfiUnavailableException.class,
                            () -> client().createKey(ACCOUNT, AUTH));
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).contains("not retried");
            assertThat(transport.requests).hasSize(1);
            transport.script.clear();
        }
        transport.fail(new SocketTimeoutException("Read timed out"));
        assertThatThrownBy(() -> client().resetKeys(ACCOUNT, AUTH))
                .isInstanceOf(VeryfiUnavailableException.class);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void createIsRetriedWhenTheRequestSurelyDidNotLeave() {
        transport
                .fail(new ConnectException("Connection refused"))
                .fail(
                        new ConnectException(
                                "could not connect: SocketTimeoutException (connect timed out)"))
                .fail(new IOException("wrapped", new ConnectException("Connection refused")))
                .reply(201, "{\"id\":99,\"value\":\"" + NEW_KEY + "\"}");
        assertThat(client().createKey(ACCOUNT, AUTH).id()).isEqualTo(99);
        assertThat(transport.requests).hasSize(4);
    }

    @Test
    void connectionRefusedEveryTimeSurfacesAsUnavailable() {
        for (int i = 0; i < 4; i++) {
            transport.fail(new ConnectException("Connection refused"));
        }
        VeryfiUnavailableException e =
                catchThrowableOfType(
                        VeryfiUnavailableException.class, () -> client().resetKeys(ACCOUNT, AUTH));
        assertThat(e.getMessage()).contains("ConnectException", "attempts 4");
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
    }

    @Test
    void classificationOfIoErrors() {
        assertThat(VeryfiKeysClient.surelyNotSent(new ConnectException())).isTrue();
        assertThat(VeryfiKeysClient.surelyNotSent(new java.net.NoRouteToHostException("x")))
                .isTrue();
        assertThat(VeryfiKeysClient.surelyNotSent(new java.net.UnknownHostException("x"))).isTrue();
        assertThat(VeryfiKeysClient.surelyNotSent(new SocketTimeoutException("Read timed out")))
                .isFalse();
        assertThat(VeryfiKeysClient.surelyNotSent(new IOException("Connection reset"))).isFalse();
        assertThat(VeryfiKeysClient.surelyNotSent(new java.io.EOFException())).isFalse();
    }

    @Test
    void interruptionStopsRetryingAndKeepsTheFlag() {
        transport.reply(503, "").reply(200, "{\"api_keys\":[]}");
        VeryfiKeysClient client =
                new VeryfiKeysClient(
                        transport,
                        RetryPolicy.DEFAULT,
                        Duration.ofSeconds(1),
                        d -> {
                            throw new InterruptedException();
                        },
                        () -> jitter,
                        clock);
        try {
            assertThatThrownBy(() -> client.listKeyIds(ACCOUNT, AUTH))
                    .isInstanceOf(VeryfiUnavailableException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void oneLogLinePerCallWithIdsAndNoValues() {
        transport.reply(201, "{\"id\":12,\"value\":\"" + NEW_KEY + "\"}", "trace-xyz", null);
        client().createKey(SIGNED, AUTH);
        String log = logged.toString(StandardCharsets.UTF_8).trim();
        assertThat(log.lines()).hasSize(1);
        assertThat(log)
                .contains(
                        "\"operation\":\"create\"",
                        "\"keyId\":12",
                        "\"status\":201",
                        "\"attempts\":1",
                        "\"durationMs\":",
                        "\"traceId\":\"trace-xyz\"");
    }

    @Test
    void toStringsShowNoSecrets() {
        assertThat(client().toString()).doesNotContain(KEY);
        assertThat(SIGNED.toString()).doesNotContain(SECRET);
        assertThat(
                        new Transport.Reply(201, "{\"value\":\"" + NEW_KEY + "\"}", null, null)
                                .toString())
                .doesNotContain(NEW_KEY);
    }

    // ------------------------------------------------------------------ fakes

    private static final class ScriptedTransport implements Transport {
        final Deque<Object> script = new ArrayDeque<>();
        final List<Transport.Request> requests = new ArrayList<>();

        ScriptedTransport reply(int status, String body) {
            return reply(status, body, null, null);
        }

        ScriptedTransport reply(int status, String body, String trace, String retryAfter) {
            script.add(new Reply(status, body, trace, retryAfter));
            return this;
        }

        ScriptedTransport fail(IOException e) {
            script.add(e);
            return this;
        }

        @Override
        public Reply send(Request request) throws IOException {
            requests.add(request);
            Object next = script.poll();
            if (next == null) {
                throw new AssertionError(
                        "unexpected request " + request.method() + " " + request.uri());
            }
            if (next instanceof IOException e) {
                throw e;
            }
            return (Reply) next;
        }
    }

    private static final class FakeClock extends Clock {
        private Instant now;

        FakeClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
