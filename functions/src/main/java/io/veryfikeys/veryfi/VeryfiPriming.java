package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Veryfi client's part of a SnapStart priming hook (see {@code io.veryfikeys.lambda.Priming}):
 * one operation through the whole client (request signing, the JSON answer read, the key records,
 * the log line) against a transport that answers locally in the documented shapes
 * (veryfi-partner-api.md) and never opens a socket. The first real call then still opens its
 * connection, as the first AWS call does. The account, keys and client secret are placeholders:
 * nothing here is a key.
 */
public final class VeryfiPriming {
    private static final VeryfiAccount ACCOUNT =
            new VeryfiAccount(
                    URI.create("https://priming.invalid"),
                    "vf_priming",
                    "priming",
                    Optional.of(SecretValue.of("priming-client-secret")));
    private static final SecretValue KEY = SecretValue.of("priming-key");

    private VeryfiPriming() {}

    /** List keys: answers two ids. */
    public static List<Long> list() {
        return answering(200, "{\"api_keys\":[{\"id\":1},{\"id\":2}]}").listKeyIds(ACCOUNT, KEY);
    }

    /** Create a key: answers a new key. */
    public static ApiKey create() {
        return answering(201, "{\"id\":3,\"value\":\"priming-created\"}").createKey(ACCOUNT, KEY);
    }

    /** Remove a key: answers 204. */
    public static void delete() {
        answering(204, "").deleteKey(ACCOUNT, KEY, 1);
    }

    /** Reset every key: answers one new key. */
    public static List<ApiKey> reset() {
        return answering(201, "{\"api_keys\":[{\"id\":4,\"value\":\"priming-reset\"}]}")
                .resetKeys(ACCOUNT, KEY);
    }

    private static VeryfiKeysClient answering(int status, String body) {
        return new VeryfiKeysClient(
                request -> new Transport.Reply(status, body, "priming", null),
                RetryPolicy.DEFAULT,
                Duration.ofSeconds(10),
                VeryfiKeysClient.Sleeper.REAL,
                () -> 0.5,
                Clock.systemUTC());
    }
}
