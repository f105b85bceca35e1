package io.veryfikeys.fakes;

import io.veryfikeys.support.SecretValue;
import io.veryfikeys.veryfi.ApiKey;
import io.veryfikeys.veryfi.KeyLimitReachedException;
import io.veryfikeys.veryfi.KeyNotFoundException;
import io.veryfikeys.veryfi.LastKeyException;
import io.veryfikeys.veryfi.VeryfiAccount;
import io.veryfikeys.veryfi.VeryfiAnswerLostException;
import io.veryfikeys.veryfi.VeryfiAuthException;
import io.veryfikeys.veryfi.VeryfiKeys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Veryfi's key management in memory, for unit tests of the steps: the documented rules of {@code
 * ../shared/veryfi-partner-api.md} (a call authenticates with a live key of the account, at most
 * two live keys, the last key cannot be deleted, a reset replaces every key) without HTTP. The HTTP
 * side is proved against the simulator in the integration tests; this only stands in for it where a
 * step's own logic is under test.
 */
public final class FakeVeryfi implements VeryfiKeys {
    private final Map<String, TreeMap<Long, SecretValue>> accounts = new HashMap<>();
    private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private long nextId = 1;
    private int answersToLose;

    /** A new account with one live key, which it returns. */
    public ApiKey newAccount(String clientId) {
        accounts.put(clientId, new TreeMap<>());
        return addKey(clientId);
    }

    /** A key made outside the system (in the portal, by another tool). */
    public ApiKey addKey(String clientId) {
        long id = nextId++;
        SecretValue value =
                SecretValue.of(
                        "fake-key-"
                                + id
                                + "-"
                                + Long.toHexString(Double.doubleToLongBits(Math.random())));
        accounts.get(clientId).put(id, value);
        return new ApiKey(id, value);
    }

    /** A key revoked at Veryfi (in the portal): it is rejected from now on. */
    public void revoke(String clientId, long keyId) {
        accounts.get(clientId).remove(keyId);
    }

    public List<Long> liveKeyIds(String clientId) {
        return List.copyOf(accounts.get(clientId).keySet());
    }

    /**
     * The next call of {@code operation} (list, create, delete, reset) fails with {@code failure},
     * changing nothing.
     */
    public void failNext(String operation, RuntimeException failure) {
        failures.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
    }

    /**
     * The next create is performed at Veryfi but its answer never arrives (a timeout after the
     * send).
     */
    public void loseNextCreateAnswer() {
        answersToLose++;
    }

    /** The calls made, in order, as {@code operation} or {@code delete <id>}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public List<Long> listKeyIds(VeryfiAccount account, SecretValue authKey) {
        live(account, authKey, "list");
        return liveKeyIds(account.clientId());
    }

    @Override
    public ApiKey createKey(VeryfiAccount account, SecretValue authKey) {
        TreeMap<Long, SecretValue> keys = live(account, authKey, "create");
        if (keys.size() >= 2) {
            throw new KeyLimitReachedException("the account already has 2 keys", 400, null);
        }
        ApiKey made = addKey(account.clientId());
        if (answersToLose > 0) {
            answersToLose--;
            throw new VeryfiAnswerLostException("the create was sent and its answer lost", null);
        }
        return made;
    }

    @Override
    public void deleteKey(VeryfiAccount account, SecretValue authKey, long keyId) {
        TreeMap<Long, SecretValue> keys = live(account, authKey, "delete " + keyId);
        if (!keys.containsKey(keyId)) {
            throw new KeyNotFoundException("no key " + keyId, 404, null);
        }
        if (keys.size() == 1) {
            throw new LastKeyException("the last key cannot be deleted", 400, null);
        }
        keys.remove(keyId);
    }

    @Override
    public List<ApiKey> resetKeys(VeryfiAccount account, SecretValue authKey) {
        // As Veryfi: every key is regenerated, so as many come back as were live.
        TreeMap<Long, SecretValue> keys = live(account, authKey, "reset");
        int count = keys.size();
        keys.clear();
        List<ApiKey> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            fresh.add(addKey(account.clientId()));
        }
        return fresh;
    }

    private TreeMap<Long, SecretValue> live(
            VeryfiAccount account, SecretValue authKey, String call) {
        calls.add(call);
        Deque<RuntimeException> queued = failures.get(call.split(" ")[0]);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll();
        }
        TreeMap<Long, SecretValue> keys = accounts.get(account.clientId());
        if (keys == null || !keys.containsValue(authKey)) {
            throw new VeryfiAuthException("not authenticated", 401, null);
        }
        return keys;
    }
}
