package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;

import java.util.List;

/**
 * Veryfi's partner key-management API (Settings → client-keys). Every call authenticates
 * with {@code authKey}, one of the account's live keys, and is signed when the account has a
 * client secret. Transient failures (429, 499, 5xx, I/O) are retried here with jittered
 * exponential backoff and a bound; everything else surfaces at once as a typed
 * {@link VeryfiException}.
 */
public final class VeryfiKeysClient {
    // Implementation: see the Foundation issue (item 2). Public API below is fixed.

    /** The ids of the account's live keys. Also the low-risk call used to verify a new key. */
    public List<Long> listKeyIds(VeryfiAccount account, SecretValue authKey) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public ApiKey createKey(VeryfiAccount account, SecretValue authKey) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** @throws KeyNotFoundException on 404: the key is already gone. */
    public void deleteKey(VeryfiAccount account, SecretValue authKey, long keyId) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Regenerates every key; all previous keys stop working at once. */
    public List<ApiKey> resetKeys(VeryfiAccount account, SecretValue authKey) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
