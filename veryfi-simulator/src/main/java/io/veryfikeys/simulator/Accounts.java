package io.veryfikeys.simulator;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The simulator's accounts by client id, and the one issuer of all their keys. */
final class Accounts {
    private final ConcurrentHashMap<String, Account> byClientId = new ConcurrentHashMap<>();
    private final KeyIssuer issuer = new KeyIssuer();
    private final ChangeListeners listeners;

    Accounts(ChangeListeners listeners) {
        this.listeners = listeners;
    }

    /**
     * @throws IllegalStateException if the client id is taken
     */
    SimulatedKey create(Account.Identity identity) {
        Account account = new Account(identity, issuer, listeners);
        // Locked before it is visible, so that no call can find the account without its first key.
        synchronized (account) {
            if (byClientId.putIfAbsent(identity.clientId(), account) != null) {
                throw new IllegalStateException("account already exists: " + identity.clientId());
            }
            return account.firstKey();
        }
    }

    /** The account, or null if {@code clientId} is null or unknown. */
    Account find(String clientId) {
        return clientId == null ? null : byClientId.get(clientId);
    }

    /**
     * @throws IllegalArgumentException if {@code clientId} is null or unknown
     */
    Account require(String clientId) {
        Account account = find(clientId);
        if (account == null) {
            throw new IllegalArgumentException("unknown account: " + clientId);
        }
        return account;
    }

    void forgetAll() {
        for (Account account : byClientId.values()) {
            synchronized (account) {
                if (byClientId.remove(account.clientId(), account)) {
                    account.forgotten();
                }
            }
        }
    }

    List<String> issuedKeyValues() {
        return issuer.issuedValues();
    }
}
