package io.veryfikeys.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.SecretIds;
import io.veryfikeys.support.SecretValue;
import io.veryfikeys.veryfi.SigningScheme;
import io.veryfikeys.veryfi.VeryfiAccount;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One version of an account's secret: {@code {"clientId","username","apiKey","apiKeyId",
 * "clientSecret"?, "baseUrl"?}}. Members we do not know are kept as they are, so a consumer's own
 * additions survive a rotation.
 */
public final class AccountSecret {
    private final ObjectNode json;
    private final VeryfiAccount account;
    private final SecretValue apiKey;
    private final long apiKeyId;
    private final List<String> linkedSecrets;

    /**
     * At most this many copies per account: each one is another write and another registry per
     * rotation.
     */
    public static final int MAX_LINKED_SECRETS = 10;

    private AccountSecret(
            ObjectNode json,
            VeryfiAccount account,
            SecretValue apiKey,
            long apiKeyId,
            List<String> linkedSecrets) {
        this.json = json;
        this.account = account;
        this.apiKey = apiKey;
        this.apiKeyId = apiKeyId;
        this.linkedSecrets = linkedSecrets;
    }

    /**
     * @throws InvalidSecretException naming the member that is wrong, never its value
     */
    public static AccountSecret parse(String secretId, String secretString) {
        JsonNode node;
        try {
            node = JsonTree.parse(secretString);
        } catch (Exception e) {
            throw new InvalidSecretException("secret " + secretId + " is not valid JSON");
        }
        if (!(node instanceof ObjectNode json)) {
            throw new InvalidSecretException("secret " + secretId + " must be a JSON object");
        }
        String clientId = requiredText(secretId, json, "clientId");
        String username = requiredText(secretId, json, "username");
        String apiKey = requiredText(secretId, json, "apiKey");
        JsonNode keyId = json.get("apiKeyId");
        if (keyId == null || !keyId.canConvertToLong() || keyId.asLong() <= 0) {
            throw new InvalidSecretException(
                    "secret " + secretId + ": apiKeyId must be a positive integer");
        }
        Optional<SecretValue> clientSecret =
                optionalText(secretId, json, "clientSecret").map(SecretValue::of);
        URI baseUrl =
                optionalText(secretId, json, "baseUrl")
                        .map(url -> parseBaseUrl(secretId, url))
                        .orElse(VeryfiAccount.PRODUCTION);
        SigningScheme signing =
                optionalText(secretId, json, "requestSigning")
                        .map(
                                name ->
                                        SigningScheme.fromConfig(name)
                                                .orElseThrow(
                                                        () ->
                                                                new InvalidSecretException(
                                                                        "secret "
                                                                                + secretId
                                                                                + ": requestSigning must be \"json\" (Veryfi's Java SDK) or \"pairs\" (Veryfi's"
                                                                                + " Python and Node.js clients and API docs)")))
                        .orElse(SigningScheme.JSON);
        return new AccountSecret(
                json,
                new VeryfiAccount(baseUrl, clientId, username, clientSecret, signing),
                SecretValue.of(apiKey),
                keyId.asLong(),
                linkedSecrets(secretId, json.get("linkedSecrets")));
    }

    /**
     * The other secrets that hold this same Veryfi account on purpose ({@code "linkedSecrets"}): a
     * rotation or reset of this secret stores each new key in them too, and polls their consumers
     * before deleting the old key. Declared here, in the secret whose keys are copied, and not on
     * the copies: whoever may write this secret already decides where its key goes, whereas a tag
     * on another secret could send the key to whoever wrote that tag.
     */
    private static List<String> linkedSecrets(String secretId, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String problem =
                "secret "
                        + secretId
                        + ": linkedSecrets must be a list of at most "
                        + MAX_LINKED_SECRETS
                        + " other secret names";
        if (!node.isArray() || node.size() > MAX_LINKED_SECRETS) {
            throw new InvalidSecretException(problem);
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode entry : node) {
            if (!entry.isTextual()) {
                throw new InvalidSecretException(problem);
            }
            try {
                SecretIds.validate(entry.asText());
            } catch (InvalidInputException e) {
                throw new InvalidSecretException(
                        problem + " (" + entry.asText() + ": " + e.getMessage() + ")");
            }
            if (entry.asText().equals(secretId) || !names.add(entry.asText())) {
                throw new InvalidSecretException(
                        problem + " (" + entry.asText() + " is this secret or listed twice)");
            }
        }
        return List.copyOf(names);
    }

    public VeryfiAccount account() {
        return account;
    }

    public SecretValue apiKey() {
        return apiKey;
    }

    public long apiKeyId() {
        return apiKeyId;
    }

    /** The same secret with another key: what a new version holds. */
    public AccountSecret withKey(long keyId, SecretValue key) {
        ObjectNode copy = json.deepCopy();
        copy.put("apiKey", key.reveal());
        copy.put("apiKeyId", keyId);
        return new AccountSecret(copy, account, key, keyId, linkedSecrets);
    }

    /**
     * The same secret, marked as stored by an incident reset: who asked (the Lambda request id, and
     * the responder's note) and when. A concurrent reset that finds the account already reset
     * answers with this instead of a failure.
     */
    public AccountSecret withLastReset(String requestId, String requestedBy, String at) {
        ObjectNode copy = json.deepCopy();
        ObjectNode reset = copy.putObject("lastReset");
        reset.put("requestId", requestId);
        reset.put("requestedBy", requestedBy);
        reset.put("at", at);
        return new AccountSecret(copy, account, apiKey, apiKeyId, linkedSecrets);
    }

    /**
     * The same secret, saying which operation stores it under which version: {@code kind} is
     * "rotation" or "reset", {@code id} the execution or request. The version id inside is what
     * makes it trustworthy: a person who edits the secret by hand copies this member along, but
     * stores the copy under another version id, so {@link #storedBy(String)} then answers empty.
     */
    public AccountSecret withStoredBy(String kind, String id, String versionId, String at) {
        ObjectNode copy = json.deepCopy();
        ObjectNode by = copy.putObject("storedBy");
        by.put("kind", kind);
        by.put("id", id);
        by.put("versionId", versionId);
        by.put("at", at);
        return new AccountSecret(copy, account, apiKey, apiKeyId, linkedSecrets);
    }

    /**
     * Who stored this version, if it is the version {@link #withStoredBy} named: "rotation <id> at
     * <time>".
     */
    public Optional<String> storedBy(String versionId) {
        JsonNode by = json.get("storedBy");
        if (by == null || !by.isObject() || !versionId.equals(by.path("versionId").asText())) {
            return Optional.empty();
        }
        return Optional.of(
                by.path("kind").asText("?")
                        + " "
                        + by.path("id").asText("?")
                        + " at "
                        + by.path("at").asText("?"));
    }

    public List<String> linkedSecrets() {
        return linkedSecrets;
    }

    /**
     * The same Veryfi account: the same client id and username (the key-management API's identity).
     */
    public boolean sameAccountAs(String clientId, String username) {
        return account.clientId().equals(clientId) && account.username().equals(username);
    }

    /** What {@link #withLastReset} recorded, if anything (ids and times only). */
    public Optional<JsonNode> lastReset() {
        JsonNode reset = json.get("lastReset");
        return reset != null && reset.isObject() ? Optional.of(reset.deepCopy()) : Optional.empty();
    }

    /** The JSON to store. Only ever handed to Secrets Manager. */
    public String toSecretString() {
        return JsonTree.text(json);
    }

    @Override
    public String toString() {
        return "AccountSecret[clientId=" + account.clientId() + ", apiKeyId=" + apiKeyId + "]";
    }

    private static String requiredText(String secretId, ObjectNode json, String name) {
        return optionalText(secretId, json, name)
                .orElseThrow(
                        () ->
                                new InvalidSecretException(
                                        "secret "
                                                + secretId
                                                + ": "
                                                + name
                                                + " is missing or empty"));
    }

    private static Optional<String> optionalText(String secretId, ObjectNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidSecretException(
                    "secret " + secretId + ": " + name + " must be a string");
        }
        return value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
    }

    /**
     * Pinned to Veryfi's hosts (see VeryfiHosts): whatever writes the secret must not choose where
     * its key goes.
     */
    private static URI parseBaseUrl(String secretId, String url) {
        String problem;
        try {
            URI uri = URI.create(url);
            problem = io.veryfikeys.veryfi.VeryfiHosts.problemWith(uri);
            if (problem == null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            problem = "must be an absolute https URL";
        }
        throw new InvalidSecretException(
                "secret " + secretId + ": baseUrl " + problem + "; nothing was sent");
    }
}
