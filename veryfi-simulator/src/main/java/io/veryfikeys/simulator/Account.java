package io.veryfikeys.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One Veryfi account and its live keys, with Veryfi's documented key rules: at most {@value
 * #MAX_LIVE_KEYS} live keys, the last live key cannot be deleted, and a reset invalidates every key
 * at once.
 *
 * <p>Every method takes the account's lock, and callers that must check and act as one step (the
 * key API authenticates and then processes a call) hold it across both. Each change is told to the
 * {@link ChangeListener}s before the lock is let go, so one account's events arrive in the order of
 * its changes and a listener never hears of a change that a later one already undid.
 */
final class Account {
    static final int MAX_LIVE_KEYS = 2;

    /** Who the account is and what a caller must present to act on it. */
    record Identity(
            String clientId,
            String username,
            String clientSecret,
            RequestSignature.Scheme onlyScheme) {
        /**
         * clientSecret null: calls are not signature-checked. onlyScheme null: both signature
         * schemes pass.
         */
        Identity {
            requireText(clientId, "clientId");
            requireText(username, "username");
            if (clientSecret != null && clientSecret.isEmpty()) {
                throw new IllegalArgumentException("clientSecret must be null or non-empty");
            }
        }

        @Override
        public String toString() {
            return "Identity[" + clientId + "]";
        }

        private static void requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
        }
    }

    final Identity identity;
    private final KeyIssuer issuer;
    private final ChangeListeners listeners;
    private final TreeMap<Long, String> live = new TreeMap<>();

    /** Live keys that authenticate nothing: new keys Veryfi never activated. */
    private final Set<Long> unusable = new HashSet<>();

    private boolean rejectNewKeys;

    Account(Identity identity, KeyIssuer issuer, ChangeListeners listeners) {
        this.identity = identity;
        this.issuer = issuer;
        this.listeners = listeners;
    }

    String clientId() {
        return identity.clientId();
    }

    /** The key an account is born with. */
    synchronized SimulatedKey firstKey() {
        SimulatedKey key = newLiveKey();
        listeners.fire(new ChangeEvent.AccountCreated(clientId(), key.id()));
        return key;
    }

    /** A new live key, within the two-key limit. */
    synchronized SimulatedKey addKey() throws ApiError {
        if (live.size() >= MAX_LIVE_KEYS) {
            throw new ApiError(
                    400,
                    "KEY_LIMIT_REACHED",
                    "The account already has " + MAX_LIVE_KEYS + " active API keys");
        }
        SimulatedKey key = newLiveKey();
        listeners.fire(new ChangeEvent.KeyCreated(clientId(), key.id()));
        return key;
    }

    /** Deletes a live key, but never the last one. */
    synchronized void deleteKey(long id) throws ApiError {
        if (!live.containsKey(id)) {
            throw new ApiError(404, "NOT_FOUND", "No such API key");
        }
        if (live.size() == 1) {
            throw new ApiError(400, "LAST_KEY", "Cannot delete the last remaining API key");
        }
        live.remove(id);
        listeners.fire(new ChangeEvent.KeyDeleted(clientId(), id));
    }

    /** Invalidates every live key and issues as many new ones, in one step. */
    synchronized List<SimulatedKey> reset() {
        List<Long> invalidated = List.copyOf(live.keySet());
        live.clear();
        List<SimulatedKey> fresh = new ArrayList<>();
        for (int i = 0; i < invalidated.size(); i++) {
            fresh.add(newLiveKey());
        }
        listeners.fire(
                new ChangeEvent.AccountReset(
                        clientId(), invalidated, fresh.stream().map(SimulatedKey::id).toList()));
        return fresh;
    }

    /** Told when {@link VeryfiSimulator#resetAll} drops the account; its keys die with it. */
    synchronized void forgotten() {
        listeners.fire(new ChangeEvent.AccountForgotten(clientId(), liveKeyIds()));
    }

    synchronized List<Long> liveKeyIds() {
        return List.copyOf(live.keySet());
    }

    /** The live keys, values included, in ascending id order. */
    synchronized List<SimulatedKey> liveKeys() {
        return live.entrySet().stream()
                .map(e -> new SimulatedKey(e.getKey(), e.getValue()))
                .toList();
    }

    synchronized int liveKeyCount() {
        return live.size();
    }

    /**
     * The id of the live key with this value, or null; compares in constant time against every live
     * key.
     */
    synchronized Long findKey(String candidate) {
        byte[] c = candidate.getBytes(StandardCharsets.UTF_8);
        Long found = null;
        for (Map.Entry<Long, String> e : live.entrySet()) {
            if (MessageDigest.isEqual(e.getValue().getBytes(StandardCharsets.UTF_8), c)) {
                found = e.getKey();
            }
        }
        return found;
    }

    /** True for a live key that was made while {@link #rejectNewKeys} was on. */
    synchronized boolean isUnusable(long keyId) {
        return unusable.contains(keyId);
    }

    synchronized void rejectNewKeys(boolean reject) {
        rejectNewKeys = reject;
    }

    private SimulatedKey newLiveKey() {
        SimulatedKey key = issuer.issue();
        live.put(key.id(), key.value());
        if (rejectNewKeys) {
            unusable.add(key.id());
        }
        return key;
    }
}
