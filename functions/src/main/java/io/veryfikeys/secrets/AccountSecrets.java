package io.veryfikeys.secrets;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.APIErrorType;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretVersionStageRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The account secrets in Secrets Manager. Every write is keyed by a version id (the
 * ClientRequestToken) so that repeating it is harmless, and every move of a staging label names the
 * version it moves from, so a stale caller cannot move a label it does not hold.
 */
public final class AccountSecrets implements SecretStore {
    private final Supplier<SecretsManagerClient> clients;

    /**
     * Takes a supplier so that a step which never touches Secrets Manager never builds its client.
     */
    public AccountSecrets(Supplier<SecretsManagerClient> clients) {
        this.clients = clients;
    }

    @Override
    public SecretVersions versions(String secretId) {
        DescribeSecretResponse description =
                notFoundAsTyped(
                        secretId, () -> clients.get().describeSecret(b -> b.secretId(secretId)));
        return SecretVersions.of(secretId, description.versionIdsToStages());
    }

    @Override
    public AccountSecret read(String secretId, String versionId) {
        return read(secretId, b -> b.versionId(versionId));
    }

    @Override
    public AccountSecret readCurrent(String secretId) {
        return read(secretId, b -> b.versionStage(SecretVersions.CURRENT));
    }

    private AccountSecret read(String secretId, Consumer<GetSecretValueRequest.Builder> which) {
        GetSecretValueRequest request =
                GetSecretValueRequest.builder().secretId(secretId).applyMutation(which).build();
        String secretString =
                notFoundAsTyped(
                        secretId, () -> clients.get().getSecretValue(request).secretString());
        return AccountSecret.parse(secretId, secretString);
    }

    @Override
    public boolean hasVersion(String secretId, String versionId) {
        return notFoundAsTyped(
                secretId,
                () ->
                        clients
                                .get()
                                .listSecretVersionIdsPaginator(
                                        b -> b.secretId(secretId).includeDeprecated(true))
                                .stream()
                                .flatMap(page -> page.versions().stream())
                                .anyMatch(version -> version.versionId().equals(versionId)));
    }

    @Override
    public void putPending(String secretId, String versionId, AccountSecret secret) {
        put(secretId, versionId, secret, SecretVersions.PENDING);
    }

    @Override
    public void putCurrent(String secretId, String versionId, AccountSecret secret) {
        put(secretId, versionId, secret, SecretVersions.CURRENT);
    }

    @Override
    public void putSurplus(String secretId, String versionId, AccountSecret secret) {
        put(secretId, versionId, secret, SecretVersions.SURPLUS);
    }

    @Override
    public void moveCurrent(String secretId, String fromVersionId, String toVersionId) {
        updateStage(
                secretId,
                b ->
                        b.versionStage(SecretVersions.CURRENT)
                                .removeFromVersionId(fromVersionId)
                                .moveToVersionId(toVersionId));
    }

    @Override
    public void addLabel(String secretId, String label, String versionId) {
        updateStage(secretId, b -> b.versionStage(label).moveToVersionId(versionId));
    }

    @Override
    public void removeLabel(String secretId, String label, String versionId) {
        updateStage(secretId, b -> b.versionStage(label).removeFromVersionId(versionId));
    }

    /**
     * One UpdateSecretVersionStage call on {@code secretId}: {@code change} names the label and the
     * versions.
     */
    private void updateStage(
            String secretId,
            java.util.function.Consumer<UpdateSecretVersionStageRequest.Builder> change) {
        notFoundAsTyped(
                secretId,
                () ->
                        clients.get()
                                .updateSecretVersionStage(
                                        b -> change.accept(b.secretId(secretId))));
    }

    @Override
    public List<Listed> listUnder(String prefix) {
        ListSecretsRequest request =
                ListSecretsRequest.builder()
                        .filters(
                                Filter.builder()
                                        .key(FilterNameStringType.NAME)
                                        .values(prefix)
                                        .build())
                        .maxResults(100)
                        .build();
        List<Listed> listed = new ArrayList<>();
        clients.get().listSecretsPaginator(request).stream()
                .flatMap(page -> page.secretList().stream())
                // The name filter is a prefix match that ignores case: checked again here.
                .filter(entry -> entry.name() != null && entry.name().startsWith(prefix))
                .forEach(entry -> listed.add(new Listed(entry.name(), tags(entry))));
        listed.sort(Comparator.comparing(Listed::name));
        return listed;
    }

    private static Map<String, String> tags(SecretListEntry entry) {
        Map<String, String> tags = new LinkedHashMap<>();
        entry.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        return tags;
    }

    @Override
    public Optional<Instant> currentCreated(String secretId) {
        return notFoundAsTyped(
                secretId,
                () ->
                        clients
                                .get()
                                .listSecretVersionIdsPaginator(b -> b.secretId(secretId))
                                .stream()
                                .flatMap(page -> page.versions().stream())
                                .filter(v -> v.versionStages().contains(SecretVersions.CURRENT))
                                .map(SecretVersionsListEntry::createdDate)
                                .filter(java.util.Objects::nonNull)
                                .findFirst());
    }

    /**
     * The current version of every secret under {@code prefix}, reduced to the account it holds
     * (client id, username, linkedSecrets; key values are dropped here and never leave). One
     * BatchGetSecretValue per 20 secrets: it needs secretsmanager:BatchGetSecretValue, and
     * GetSecretValue on each secret, which the prefix-scoped policy gives
     * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html).
     * A secret it may not read (another KMS key, a narrower policy) comes back in the answer's
     * Errors and is named in {@link SameAccountSecrets.Scan#unreadable()}. Secrets Manager's name
     * filter is a prefix match that ignores case, so the prefix is checked again here.
     */
    @Override
    public SameAccountSecrets.Scan sameAccountScan(String prefix) {
        // The names first (ListSecrets, 100 a page), then the values 20 at a time by name: a
        // filtered BatchGetSecretValue would do both in one, but each of its pages makes the
        // service (and moto, in the tests) read every matching secret again.
        List<String> names = listUnder(prefix).stream().map(Listed::name).toList();
        List<SameAccountSecrets.Holder> holders = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (int from = 0; from < names.size(); from += 20) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + 20));
            BatchGetSecretValueResponse page =
                    clients.get().batchGetSecretValue(b -> b.secretIdList(chunk));
            for (SecretValueEntry entry : page.secretValues()) {
                holder(entry.name(), entry.secretString()).ifPresent(holders::add);
            }
            for (APIErrorType error : page.errors()) {
                unreadable.add(
                        (error.secretId() == null ? "?" : error.secretId())
                                + " "
                                + error.errorCode());
            }
        }
        holders.sort(java.util.Comparator.comparing(SameAccountSecrets.Holder::secretId));
        return new SameAccountSecrets.Scan(List.copyOf(holders), List.copyOf(unreadable));
    }

    /** Lenient on purpose: a secret under the prefix that is no account secret holds no account. */
    private static java.util.Optional<SameAccountSecrets.Holder> holder(
            String name, String secretString) {
        if (secretString == null) {
            return java.util.Optional.empty();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json =
                    io.veryfikeys.support.Json.MAPPER.readTree(secretString);
            if (json == null
                    || !json.path("clientId").isTextual()
                    || !json.path("username").isTextual()) {
                return java.util.Optional.empty();
            }
            List<String> linked = new ArrayList<>();
            json.path("linkedSecrets")
                    .forEach(
                            n -> {
                                if (n.isTextual()) {
                                    linked.add(n.asText());
                                }
                            });
            return java.util.Optional.of(
                    new SameAccountSecrets.Holder(
                            name,
                            json.get("clientId").asText(),
                            json.get("username").asText(),
                            List.copyOf(linked)));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private void put(String secretId, String versionId, AccountSecret secret, String label) {
        notFoundAsTyped(
                secretId,
                () ->
                        clients.get()
                                .putSecretValue(
                                        b ->
                                                b.secretId(secretId)
                                                        .clientRequestToken(versionId)
                                                        .secretString(secret.toSecretString())
                                                        .versionStages(label)));
    }

    private static <T> T notFoundAsTyped(String secretId, Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceNotFoundException e) {
            throw new SecretNotFoundException(
                    "secret " + secretId + " (or the version asked for) does not exist");
        }
    }
}
