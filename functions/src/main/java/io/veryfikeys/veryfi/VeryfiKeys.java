package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;

import java.util.List;

/**
 * The port to Veryfi's key management: what the rotation and the reset ask of Veryfi, in their
 * words. Deployed, it is {@link VeryfiKeysClient} (signed HTTPS with retries); unit tests use an
 * in-memory account that keeps Veryfi's rules (two live keys, the last one cannot be deleted).
 * Failures are the {@link VeryfiException} family, whichever side implements it.
 */
public interface VeryfiKeys {
    /** The ids of the account's live keys. Also the low-risk call used to verify a new key. */
    List<Long> listKeyIds(VeryfiAccount account, SecretValue authKey);

    /**
     * @throws KeyLimitReachedException when the account already has two live keys
     */
    ApiKey createKey(VeryfiAccount account, SecretValue authKey);

    /**
     * @throws KeyNotFoundException on 404: the key is already gone
     */
    void deleteKey(VeryfiAccount account, SecretValue authKey, long keyId);

    /** Regenerates every key; all previous keys stop working at once. */
    List<ApiKey> resetKeys(VeryfiAccount account, SecretValue authKey);
}
