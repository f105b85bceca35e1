package io.veryfikeys.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 as RFC 2104 defines it, over the JDK's own SHA-256 {@link MessageDigest}, instead of
 * {@code javax.crypto.Mac}: the first {@code Mac.getInstance} in a JVM sets up the JCE framework
 * (its crypto policy files and provider checks), 30 ms of a fresh JVM (issue 18, farm-bench) in
 * every function, since every AWS call and every Veryfi call is signed. No new primitive: the
 * digest is the JDK's, the construction the RFC's two nested hashes; {@code HmacSha256Test} checks
 * it against RFC 4231's test vectors and against {@code javax.crypto.Mac}. It signs, it never
 * verifies, so no comparison here needs to be constant-time.
 */
public final class HmacSha256 {
    /** SHA-256's block size in bytes (RFC 2104's B). */
    private static final int BLOCK = 64;

    private HmacSha256() {}

    public static byte[] of(byte[] key, byte[] message) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM");
        }
        byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
        byte[] innerPad = new byte[BLOCK];
        byte[] outerPad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        sha256.update(innerPad);
        byte[] inner = sha256.digest(message);
        sha256.update(outerPad);
        byte[] mac = sha256.digest(inner);
        // The pads are the key in another form: not left on the heap longer than needed.
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
        if (k != key) {
            Arrays.fill(k, (byte) 0);
        }
        return mac;
    }
}
