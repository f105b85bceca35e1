package io.veryfikeys.localstack;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local stack's IAM: it issues every access key the stack's AWS endpoint accepts, and says who
 * a request's key belongs to. A request signed with a key it never issued, or one past its
 * expiration, is refused with 403 as AWS refuses it; so a function that signs with anything but the
 * credentials its sandbox was given fails here as it would in AWS.
 *
 * <p>Sandbox credentials are temporary (access key, secret, session token, expiration), as the
 * Lambda container credentials endpoint hands them out; long-lived keys go to the test JVM's own
 * clients and to moto's Step Functions engine.
 */
public final class CredentialsAuthority {

    /**
     * One issued key. {@code principal} is who it was issued to (a function's logical id, or a
     * client name).
     */
    public record Issued(
            String principal,
            String sandboxId,
            String accessKeyId,
            String secretAccessKey,
            String sessionToken,
            Instant expiration) {
        boolean temporary() {
            return sessionToken != null;
        }

        @Override
        public String toString() { // never print the secret or the token
            return "Issued["
                    + principal
                    + (sandboxId == null ? "" : "/" + sandboxId)
                    + ", "
                    + accessKeyId
                    + ", expires "
                    + (expiration == null ? "never" : expiration)
                    + "]";
        }
    }

    /** Why a request's key was refused, in the words and codes AWS uses. */
    public enum Refusal {
        MISSING(
                "MissingAuthenticationTokenException",
                "MissingAuthenticationToken",
                "Missing Authentication Token"),
        UNKNOWN_KEY(
                "UnrecognizedClientException",
                "InvalidClientTokenId",
                "The security token included in the request is invalid."),
        EXPIRED(
                "ExpiredTokenException",
                "ExpiredToken",
                "The security token included in the request is expired"),
        /** Checked by {@link Signatures}, once the key is known. */
        BAD_SIGNATURE(
                "InvalidSignatureException",
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.");

        public final String jsonCode;
        public final String queryCode;
        public final String message;

        Refusal(String jsonCode, String queryCode, String message) {
            this.jsonCode = jsonCode;
            this.queryCode = queryCode;
            this.message = message;
        }
    }

    /** The outcome of checking a request's key: the issued key, or why it was refused. */
    public record Check(Issued issued, Refusal refusal) {
        public boolean accepted() {
            return refusal == null;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Issued> byAccessKey = new ConcurrentHashMap<>();
    private final Clock clock;

    public CredentialsAuthority(Clock clock) {
        this.clock = clock;
    }

    public CredentialsAuthority() {
        this(Clock.systemUTC());
    }

    /** A long-lived key for a client of the stack (tests, the demo, the CLI, moto's engine). */
    public Issued issueLongLived(String principal) {
        return register(new Issued(principal, null, "AKIA" + random(8), random(20), null, null));
    }

    /**
     * A long-lived key with a chosen id: moto's Step Functions engine signs its Lambda calls with
     * the fixed key id {@code ak} (moto/stepfunctions/parser/asl/utils/boto_client.py), so the
     * stack issues exactly that id to the engine and to no one else.
     */
    public Issued issueLongLived(String principal, String accessKeyId, String secretAccessKey) {
        return register(new Issued(principal, null, accessKeyId, secretAccessKey, null, null));
    }

    /** Temporary credentials for one sandbox, valid for {@code lifetime}. */
    public Issued issueTemporary(String principal, String sandboxId, Duration lifetime) {
        return register(
                new Issued(
                        principal,
                        sandboxId,
                        "ASIA" + random(8),
                        random(20),
                        random(48),
                        clock.instant().plus(lifetime)));
    }

    private Issued register(Issued issued) {
        byAccessKey.put(issued.accessKeyId(), issued);
        return issued;
    }

    /**
     * Ends every temporary key issued to that sandbox now: what a SnapStart restore means for
     * credentials resolved before the snapshot (the restored environment gets fresh ones).
     */
    public void expireSandbox(String sandboxId) {
        Instant now = clock.instant();
        byAccessKey.replaceAll(
                (id, i) ->
                        sandboxId.equals(i.sandboxId())
                                        && i.temporary()
                                        && i.expiration().isAfter(now)
                                ? new Issued(
                                        i.principal(),
                                        i.sandboxId(),
                                        i.accessKeyId(),
                                        i.secretAccessKey(),
                                        i.sessionToken(),
                                        now)
                                : i);
    }

    /** Checks a request's access key id and session token (either may be null). */
    public Check check(String accessKeyId, String sessionToken) {
        if (accessKeyId == null || accessKeyId.isBlank()) return new Check(null, Refusal.MISSING);
        Issued issued = byAccessKey.get(accessKeyId);
        if (issued == null) return new Check(null, Refusal.UNKNOWN_KEY);
        if (issued.temporary() && !issued.sessionToken().equals(sessionToken))
            return new Check(issued, Refusal.UNKNOWN_KEY);
        if (!issued.temporary() && sessionToken != null && !sessionToken.isEmpty())
            return new Check(issued, Refusal.UNKNOWN_KEY);
        if (issued.expiration() != null && !clock.instant().isBefore(issued.expiration()))
            return new Check(issued, Refusal.EXPIRED);
        return new Check(issued, null);
    }

    /** How many distinct temporary keys were issued to the function's sandboxes. */
    public long temporaryKeysIssuedTo(String principal) {
        return byAccessKey.values().stream()
                .filter(i -> i.temporary() && principal.equals(i.principal()))
                .count();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT);
    }
}
