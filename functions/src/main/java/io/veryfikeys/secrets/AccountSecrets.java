package io.veryfikeys.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.aws.JsonService;
import io.veryfikeys.support.AwsCallFailedException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The account secrets in Secrets Manager. Every write is keyed by a version id (the
 * ClientRequestToken) so that repeating it is harmless, and every move of a staging label names the
 * version it moves from, so a stale caller cannot move a label it does not hold.
 *
 * <p>Requests and answers are Secrets Manager's JSON as its API reference documents each operation
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html); the
 * contract tests run this class against moto over the wire.
 */
public final class AccountSecrets implements SecretStore {
    private final Supplier<JsonService> secretsManager;

    /**
     * Takes a supplier so that a step which never touches Secrets Manager never builds its client.
     */
    public AccountSecrets(Supplier<JsonService> secretsManager) {
        this.secretsManager = secretsManager;
    }

    @Override
    public SecretVersions versions(String secretId) {
        JsonNode description =
                call("DescribeSecret", secretId, JsonService.request().put("SecretId", secretId));
        Map<String, List<String>> stages = new LinkedHashMap<>();
        description
                .path("VersionIdsToStages")
                .properties()
                .forEach(e -> stages.put(e.getKey(), texts(e.getValue())));
        return SecretVersions.of(secretId, stages);
    }

    @Override
    public AccountSecret read(String secretId, String versionId) {
        return read(secretId, JsonService.request().put("VersionId", versionId));
    }

    @Override
    public AccountSecret readCurrent(String secretId) {
        return readCurrentVersion(secretId).secret();
    }

    @Override
    public Current readCurrentVersion(String secretId) {
        JsonNode answer =
                getSecretValue(
                        secretId,
                        JsonService.request().put("VersionStage", SecretVersions.CURRENT));
        return new Current(answer.path("VersionId").asText(null), parse(secretId, answer));
    }

    private AccountSecret read(String secretId, ObjectNode which) {
        return parse(secretId, getSecretValue(secretId, which));
    }

    private JsonNode getSecretValue(String secretId, ObjectNode which) {
        ObjectNode request = JsonService.request().put("SecretId", secretId);
        request.setAll(which);
        return call("GetSecretValue", secretId, request);
    }

    private static AccountSecret parse(String secretId, JsonNode answer) {
        JsonNode value = answer.get("SecretString");
        return AccountSecret.parse(
                secretId, value == null || value.isNull() ? null : value.asText());
    }

    @Override
    public boolean hasVersion(String secretId, String versionId) {
        return notFoundAsTyped(
                secretId,
                () ->
                        versionEntries(secretId, true)
                                .anyMatch(
                                        version ->
                                                versionId.equals(
                                                        version.path("VersionId").asText(null))));
    }

    /** Every version of the secret (ListSecretVersionIds), page by page as read. */
    private Stream<JsonNode> versionEntries(String secretId, boolean includeDeprecated) {
        ObjectNode request = JsonService.request().put("SecretId", secretId);
        if (includeDeprecated) {
            request.put("IncludeDeprecated", true);
        }
        // Pages are asked for as the stream is read: callers read it inside notFoundAsTyped.
        return secretsManager
                .get()
                .items(
                        "ListSecretVersionIds",
                        what("ListSecretVersionIds", secretId),
                        request,
                        "NextToken",
                        "Versions");
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
                JsonService.request()
                        .put("VersionStage", SecretVersions.CURRENT)
                        .put("RemoveFromVersionId", fromVersionId)
                        .put("MoveToVersionId", toVersionId));
    }

    @Override
    public void addLabel(String secretId, String label, String versionId) {
        updateStage(
                secretId,
                JsonService.request().put("VersionStage", label).put("MoveToVersionId", versionId));
    }

    @Override
    public void removeLabel(String secretId, String label, String versionId) {
        updateStage(
                secretId,
                JsonService.request()
                        .put("VersionStage", label)
                        .put("RemoveFromVersionId", versionId));
    }

    /**
     * One UpdateSecretVersionStage call on {@code secretId}: {@code change} names the label and the
     * versions.
     */
    private void updateStage(String secretId, ObjectNode change) {
        ObjectNode request = JsonService.request().put("SecretId", secretId);
        request.setAll(change);
        call("UpdateSecretVersionStage", secretId, request);
    }

    @Override
    public List<Listed> listUnder(String prefix) {
        ObjectNode request = JsonService.request();
        request.putArray("Filters").addObject().put("Key", "name").putArray("Values").add(prefix);
        request.put("MaxResults", 100);
        List<Listed> listed = new ArrayList<>();
        secretsManager
                .get()
                .items(
                        "ListSecrets",
                        "Secrets Manager ListSecrets " + prefix,
                        request,
                        "NextToken",
                        "SecretList")
                // The name filter is a prefix match that ignores case: checked again here.
                .filter(entry -> entry.path("Name").asText("").startsWith(prefix))
                .forEach(entry -> listed.add(new Listed(entry.get("Name").asText(), tags(entry))));
        listed.sort(Comparator.comparing(Listed::name));
        return listed;
    }

    private static Map<String, String> tags(JsonNode entry) {
        Map<String, String> tags = new LinkedHashMap<>();
        entry.path("Tags")
                .forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText()));
        return tags;
    }

    @Override
    public Optional<Instant> currentCreated(String secretId) {
        return notFoundAsTyped(
                secretId,
                () ->
                        versionEntries(secretId, false)
                                .filter(
                                        v ->
                                                texts(v.path("VersionStages"))
                                                        .contains(SecretVersions.CURRENT))
                                .map(v -> v.get("CreatedDate"))
                                .filter(date -> date != null && date.isNumber())
                                .map(AccountSecrets::epochSeconds)
                                .findFirst());
    }

    /**
     * Secrets Manager's timestamps: seconds since the epoch, with a fraction. Read from the
     * number's shortest text, not its binary double: 1523477145.713 is 713 ms, not 713.000059.
     */
    static Instant epochSeconds(JsonNode date) {
        BigDecimal seconds = new BigDecimal(date.asText());
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
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
            ObjectNode request = JsonService.request();
            chunk.forEach(request.putArray("SecretIdList")::add);
            JsonNode page =
                    secretsManager
                            .get()
                            .call(
                                    "BatchGetSecretValue",
                                    "Secrets Manager BatchGetSecretValue of "
                                            + chunk.size()
                                            + " secrets under "
                                            + prefix,
                                    request);
            for (JsonNode entry : page.path("SecretValues")) {
                JsonNode value = entry.get("SecretString");
                holder(
                                entry.path("Name").asText(null),
                                value == null || value.isNull() ? null : value.asText())
                        .ifPresent(holders::add);
            }
            for (JsonNode error : page.path("Errors")) {
                unreadable.add(
                        error.path("SecretId").asText("?")
                                + " "
                                + error.path("ErrorCode").asText());
            }
        }
        holders.sort(java.util.Comparator.comparing(SameAccountSecrets.Holder::secretId));
        return new SameAccountSecrets.Scan(List.copyOf(holders), List.copyOf(unreadable));
    }

    private static java.util.Optional<SameAccountSecrets.Holder> holder(
            String name, String secretString) {
        if (secretString == null) {
            return java.util.Optional.empty();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json =
                    io.veryfikeys.support.JsonTree.parse(secretString);
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
        ObjectNode request =
                JsonService.request()
                        .put("SecretId", secretId)
                        .put("ClientRequestToken", versionId)
                        .put("SecretString", secret.toSecretString());
        request.putArray("VersionStages").add(label);
        call("PutSecretValue", secretId, request);
    }

    /** One call about {@code secretId}; its absence (or the version's) is a typed error. */
    private JsonNode call(String operation, String secretId, ObjectNode request) {
        return notFoundAsTyped(
                secretId,
                () ->
                        secretsManager
                                .get()
                                .call(
                                        operation,
                                        what(operation, secretId),
                                        request,
                                        "secret",
                                        secretId));
    }

    private static String what(String operation, String secretId) {
        return "Secrets Manager " + operation + " " + secretId;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static <T> T notFoundAsTyped(String secretId, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsCallFailedException e) {
            if ("ResourceNotFoundException".equals(e.errorCode())) {
                throw new SecretNotFoundException(
                        "secret " + secretId + " (or the version asked for) does not exist");
            }
            throw e;
        }
    }
}
