package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The stack's IAM (which keys it accepts) and the container credentials endpoint sandboxes ask. */
class CredentialsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a temporary key with its token,         temp, token,      0,    ",
        "a temporary key without its token,      temp, none,       0,    UNKNOWN_KEY",
        "a temporary key with another token,     temp, other,      0,    UNKNOWN_KEY",
        "a temporary key past its expiration,    temp, token,      3600, EXPIRED",
        "a temporary key one second before,      temp, token,      3599, ",
        "a long-lived key,                       long, none,       0,    ",
        "a long-lived key with a session token,  long, other,      0,    UNKNOWN_KEY",
        "a key never issued,                     never, none,      0,    UNKNOWN_KEY",
        "no key at all,                          missing, none,    0,    MISSING",
    })
    void whichKeysTheEndpointAccepts(
            String description, String key, String token, long secondsLater, String refusal) {
        TestClock clock = new TestClock();
        CredentialsAuthority authority = new CredentialsAuthority(clock);
        CredentialsAuthority.Issued temp =
                authority.issueTemporary("PlanFunction", "PlanFunction-1", Duration.ofHours(1));
        CredentialsAuthority.Issued longLived = authority.issueLongLived("client");
        clock.now = clock.now.plusSeconds(secondsLater);
        String accessKey =
                switch (key) {
                    case "temp" -> temp.accessKeyId();
                    case "long" -> longLived.accessKeyId();
                    case "never" -> "AKIANEVERISSUED00001";
                    default -> null;
                };
        String sessionToken =
                switch (token) {
                    case "token" -> temp.sessionToken();
                    case "other" -> "not-the-token";
                    default -> null;
                };

        CredentialsAuthority.Check check = authority.check(accessKey, sessionToken);

        assertThat(check.refusal())
                .as(description)
                .isEqualTo(refusal == null ? null : CredentialsAuthority.Refusal.valueOf(refusal));
    }

    @Test
    void aRestoredSandboxsEarlierCredentialsAreOverAndOthersAreNot() {
        CredentialsAuthority authority = new CredentialsAuthority();
        var mine = authority.issueTemporary("PlanFunction", "PlanFunction-1", Duration.ofHours(1));
        var other = authority.issueTemporary("PlanFunction", "PlanFunction-2", Duration.ofHours(1));

        authority.expireSandbox("PlanFunction-1");

        assertThat(authority.check(mine.accessKeyId(), mine.sessionToken()).refusal())
                .isEqualTo(CredentialsAuthority.Refusal.EXPIRED);
        assertThat(authority.check(other.accessKeyId(), other.sessionToken()).accepted()).isTrue();
    }

    @Test
    void theEndpointAnswersOnlyALiveSandboxsToken() throws Exception {
        CredentialsAuthority authority = new CredentialsAuthority();
        ContainerCredentialsEndpoint endpoint =
                new ContainerCredentialsEndpoint(authority, Duration.ofMinutes(60));
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext(ContainerCredentialsEndpoint.PATH, endpoint::handle);
        server.start();
        try {
            URI uri =
                    URI.create(
                            "http://127.0.0.1:"
                                    + server.getAddress().getPort()
                                    + ContainerCredentialsEndpoint.PATH);
            String token = endpoint.register("PlanFunction", "PlanFunction-1");
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> wrong =
                    http.send(
                            HttpRequest.newBuilder(uri)
                                    .header("Authorization", "not-the-token")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> none =
                    http.send(
                            HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(403);
            assertThat(none.statusCode()).isEqualTo(403);

            HttpResponse<String> right =
                    http.send(
                            HttpRequest.newBuilder(uri).header("Authorization", token).build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(right.body());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(
                            authority
                                    .check(
                                            body.path("AccessKeyId").asText(),
                                            body.path("Token").asText())
                                    .issued()
                                    .principal())
                    .isEqualTo("PlanFunction");
            assertThat(Instant.parse(body.path("Expiration").asText()))
                    .isAfter(Instant.now().plus(Duration.ofMinutes(59)));
            // Asked again early in their life: the same credentials; a retired sandbox's token is
            // refused.
            HttpResponse<String> again =
                    http.send(
                            HttpRequest.newBuilder(uri).header("Authorization", token).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(again.body()).path("AccessKeyId").asText())
                    .isEqualTo(body.path("AccessKeyId").asText());
            endpoint.retire(token, "PlanFunction-1");
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(uri)
                                                    .header("Authorization", token)
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(403);
        } finally {
            server.stop(0);
        }
    }
}
