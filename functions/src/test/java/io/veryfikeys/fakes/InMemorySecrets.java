package io.veryfikeys.fakes;

import io.veryfikeys.secrets.AccountSecret;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.secrets.SecretNotFoundException;
import io.veryfikeys.secrets.SecretStore;
import io.veryfikeys.secrets.SecretVersions;
import io.veryfikeys.veryfi.ApiKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secrets Manager's versions and staging labels in memory, for unit tests of the steps: a label is
 * on at most one version; storing or moving AWSCURRENT labels the version it leaves AWSPREVIOUS; a
 * version id is written once (a repeat with the same content is a no-op, as with
 * ClientRequestToken); removing a label from a version that does not carry it fails. The SDK side
 * is proved against moto in {@code AccountSecretsContract}.
 */
public final class InMemorySecrets implements SecretStore {
    private final Map<String, Map<String, String>> values = new TreeMap<>();
    private final Map<String, Map<String, String>> labels = new HashMap<>();
    private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
    private int versionCounter;

    /** A new secret whose first version is AWSCURRENT. */
    public synchronized void create(String secretId, AccountSecret secret) {
        values.put(secretId, new LinkedHashMap<>());
        labels.put(secretId, new HashMap<>());
        putCurrent(secretId, "initial-" + ++versionCounter, secret);
    }

    /**
     * The next call of {@code operation} (a method name of SecretStore) fails with {@code failure},
     * changing nothing.
     */
    /** What a test does as a call reaches the store: count down a latch, note the order. */
    @FunctionalInterface
    public interface Watcher {
        void before(String operation, Object[] args) throws Exception;
    }

    /**
     * This store, telling {@code watcher} of each call (on the calling thread) before making it:
     * for tests of which calls a step makes together and in what order.
     */
    public SecretStore watched(Watcher watcher) {
        return (SecretStore)
                java.lang.reflect.Proxy.newProxyInstance(
                        SecretStore.class.getClassLoader(),
                        new Class<?>[] {SecretStore.class},
                        (proxy, method, args) -> {
                            watcher.before(method.getName(), args);
                            try {
                                return method.invoke(this, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
    }

    public synchronized void failNext(String operation, RuntimeException failure) {
        failures.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
    }

    /** Which version carries {@code label}, or null. */
    public synchronized String labelled(String secretId, String label) {
        return labels.get(secretId).get(label);
    }

    @Override
    public synchronized SecretVersions versions(String secretId) {
        fail("versions");
        Map<String, List<String>> stages = new TreeMap<>();
        labels(secretId)
                .forEach(
                        (label, version) ->
                                stages.computeIfAbsent(version, v -> new ArrayList<>()).add(label));
        return SecretVersions.of(secretId, stages);
    }

    @Override
    public synchronized AccountSecret read(String secretId, String versionId) {
        fail("read");
        String value = secret(secretId).get(versionId);
        if (value == null) {
            throw new SecretNotFoundException(
                    "secret " + secretId + " has no version " + versionId);
        }
        return AccountSecret.parse(secretId, value);
    }

    @Override
    public synchronized AccountSecret readCurrent(String secretId) {
        fail("readCurrent");
        return read(secretId, labels(secretId).get(SecretVersions.CURRENT));
    }

    @Override
    public synchronized Current readCurrentVersion(String secretId) {
        fail("readCurrentVersion");
        String versionId = labels(secretId).get(SecretVersions.CURRENT);
        return new Current(versionId, read(secretId, versionId));
    }

    @Override
    public synchronized boolean hasVersion(String secretId, String versionId) {
        fail("hasVersion");
        return secret(secretId).containsKey(versionId);
    }

    @Override
    public synchronized void putPending(String secretId, String versionId, AccountSecret secret) {
        fail("putPending");
        put(secretId, versionId, secret, SecretVersions.PENDING);
    }

    @Override
    public synchronized void putCurrent(String secretId, String versionId, AccountSecret secret) {
        fail("putCurrent");
        put(secretId, versionId, secret, SecretVersions.CURRENT);
    }

    @Override
    public synchronized void putSurplus(String secretId, String versionId, AccountSecret secret) {
        fail("putSurplus");
        put(secretId, versionId, secret, SecretVersions.SURPLUS);
    }

    @Override
    public synchronized void moveCurrent(
            String secretId, String fromVersionId, String toVersionId) {
        fail("moveCurrent");
        if (!fromVersionId.equals(labels(secretId).get(SecretVersions.CURRENT))) {
            throw new IllegalStateException("AWSCURRENT is not on " + fromVersionId);
        }
        label(secretId, SecretVersions.CURRENT, toVersionId);
    }

    @Override
    public synchronized void addLabel(String secretId, String label, String versionId) {
        fail("addLabel");
        label(secretId, label, versionId);
    }

    @Override
    public synchronized void removeLabel(String secretId, String label, String versionId) {
        fail("removeLabel");
        if (!versionId.equals(labels(secretId).get(label))) {
            throw new IllegalStateException(label + " is not on " + versionId);
        }
        labels(secretId).remove(label);
    }

    @Override
    public synchronized List<Listed> listUnder(String prefix) {
        return values.keySet().stream()
                .filter(name -> name.startsWith(prefix))
                .sorted()
                .map(name -> new Listed(name, java.util.Map.of()))
                .toList();
    }

    @Override
    public synchronized java.util.Optional<java.time.Instant> currentCreated(String secretId) {
        return java.util.Optional.empty();
    }

    @Override
    public synchronized SameAccountSecrets.Scan sameAccountScan(String prefix) {
        fail("sameAccountScan");
        List<SameAccountSecrets.Holder> holders = new ArrayList<>();
        for (String name : values.keySet()) {
            if (name.startsWith(prefix)) {
                AccountSecret current = readCurrent(name);
                holders.add(
                        new SameAccountSecrets.Holder(
                                name,
                                current.account().clientId(),
                                current.account().username(),
                                current.linkedSecrets()));
            }
        }
        return new SameAccountSecrets.Scan(holders, List.of());
    }

    private void put(String secretId, String versionId, AccountSecret secret, String label) {
        Map<String, String> versions = secret(secretId);
        String existing = versions.get(versionId);
        if (existing != null && !existing.equals(secret.toSecretString())) {
            throw new IllegalStateException(
                    "version " + versionId + " of " + secretId + " exists with other content");
        }
        versions.put(versionId, secret.toSecretString());
        label(secretId, label, versionId);
    }

    private void label(String secretId, String label, String versionId) {
        if (!secret(secretId).containsKey(versionId)) {
            throw new IllegalStateException(secretId + " has no version " + versionId);
        }
        Map<String, String> byLabel = labels(secretId);
        String old = byLabel.put(label, versionId);
        if (label.equals(SecretVersions.CURRENT) && old != null && !old.equals(versionId)) {
            byLabel.put(SecretVersions.PREVIOUS, old);
        }
    }

    private Map<String, String> secret(String secretId) {
        Map<String, String> versions = values.get(secretId);
        if (versions == null) {
            throw new SecretNotFoundException("secret " + secretId + " not found");
        }
        return versions;
    }

    private Map<String, String> labels(String secretId) {
        secret(secretId);
        return labels.get(secretId);
    }

    private void fail(String operation) {
        Deque<RuntimeException> queued = failures.get(operation);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll();
        }
    }

    /**
     * The account secret the tests store: client {@code client-1}, user {@code payroll}, and {@code
     * key}.
     */
    public static AccountSecret accountSecret(String secretId, ApiKey key) {
        return AccountSecret.parse(
                secretId,
                "{\"clientId\":\"client-1\",\"username\":\"payroll\",\"apiKey\":\""
                        + key.value().reveal()
                        + "\",\"apiKeyId\":"
                        + key.id()
                        + "}");
    }
}
