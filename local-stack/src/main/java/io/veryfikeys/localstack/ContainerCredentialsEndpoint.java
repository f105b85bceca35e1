package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container credentials endpoint a SnapStart function gets instead of access-key variables:
 * Lambda sets {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code
 * AWS_CONTAINER_AUTHORIZATION_TOKEN}, and the SDK's container provider asks {@code GET <uri>} with
 * the token in {@code Authorization}. Each sandbox has its own token; the answer is {@code
 * {"AccessKeyId","SecretAccessKey","Token","Expiration"}}, short-lived: a sandbox asking again in
 * the second half of its credentials' life gets new ones, as a credentials rotation during a long
 * execution does in AWS. (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html:
 * "SnapStart functions ... AWS_CONTAINER_CREDENTIALS_FULL_URI and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN")
 */
final class ContainerCredentialsEndpoint {
    static final String PATH = "/local-lambda/credentials";
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Sandbox(String function, String sandboxId) {}

    private final CredentialsAuthority authority;
    private final Map<String, Sandbox> byToken = new ConcurrentHashMap<>();
    private final Map<String, CredentialsAuthority.Issued> current = new ConcurrentHashMap<>();
    private volatile Duration lifetime;

    ContainerCredentialsEndpoint(CredentialsAuthority authority, Duration lifetime) {
        this.authority = authority;
        this.lifetime = lifetime;
    }

    /** How long credentials handed out from now on stay valid. */
    void lifetime(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** A new sandbox's authorization token. */
    String register(String function, String sandboxId) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byToken.put(token, new Sandbox(function, sandboxId));
        return token;
    }

    /** The sandbox was restored from its snapshot: whatever it was handed before is over. */
    void restored(String sandboxId) {
        current.remove(sandboxId);
        authority.expireSandbox(sandboxId);
    }

    void retire(String token, String sandboxId) {
        byToken.remove(token);
        current.remove(sandboxId);
    }

    void handle(HttpExchange ex) throws IOException {
        Sandbox sandbox =
                byToken.get(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (!"GET".equals(ex.getRequestMethod()) || sandbox == null) {
            send(ex, 403, "{\"message\":\"invalid authorization token\"}");
            return;
        }
        CredentialsAuthority.Issued issued =
                current.compute(
                        sandbox.sandboxId(),
                        (id, old) -> {
                            Duration life = lifetime;
                            if (old != null
                                    && old.expiration()
                                            .isAfter(Instant.now().plus(life.dividedBy(2))))
                                return old;
                            return authority.issueTemporary(sandbox.function(), id, life);
                        });
        send(
                ex,
                200,
                "{\"AccessKeyId\":\""
                        + issued.accessKeyId()
                        + "\",\"SecretAccessKey\":\""
                        + issued.secretAccessKey()
                        + "\",\"Token\":\""
                        + issued.sessionToken()
                        + "\",\"Expiration\":\""
                        + issued.expiration().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
