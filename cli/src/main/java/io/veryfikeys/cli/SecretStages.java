package io.veryfikeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key ids behind an account secret's staging labels. The key id is a member of the secret
 * value, so reading it means reading the value: this class parses it, keeps {@code apiKeyId} and
 * drops everything else at once. No key value leaves this method, nor is it ever printed. Without
 * {@code secretsmanager:GetSecretValue} the stages and version dates are still shown.
 */
public final class SecretStages {
    static final List<String> STAGES = List.of("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING");

    /**
     * One staging label: the version holding it, its key id (null if unreadable) and when it was
     * stored.
     */
    public record Stage(String stage, String versionId, Long keyId, Instant created, String note) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", stage);
            m.put("versionId", versionId);
            m.put("keyId", keyId);
            m.put("created", created == null ? null : created.toString());
            if (note != null) m.put("note", note);
            return m;
        }
    }

    private SecretStages() {}

    public static List<Stage> read(SecretsManagerClient secrets, String secretId) {
        return read(secrets, secretId, STAGES);
    }

    /**
     * The AWSCURRENT stage alone (one secret value read, not three), or null when none holds it.
     */
    public static Stage current(SecretsManagerClient secrets, String secretId) {
        return read(secrets, secretId, List.of("AWSCURRENT")).stream().findFirst().orElse(null);
    }

    private static List<Stage> read(
            SecretsManagerClient secrets, String secretId, List<String> wanted) {
        List<SecretVersionsListEntry> versions = versions(secrets, secretId);
        List<Stage> stages = new ArrayList<>();
        for (String stage : wanted) {
            for (SecretVersionsListEntry v : versions) {
                if (!v.versionStages().contains(stage)) continue;
                Long keyId = null;
                String note = null;
                try {
                    keyId = keyId(secrets, secretId, v.versionId());
                    if (keyId == null) note = "no apiKeyId in this version";
                } catch (SecretsManagerException e) {
                    if (e.awsErrorDetails() == null
                            || !"AccessDeniedException".equals(e.awsErrorDetails().errorCode()))
                        throw e;
                    note = "key id hidden: no secretsmanager:GetSecretValue";
                }
                stages.add(new Stage(stage, v.versionId(), keyId, v.createdDate(), note));
            }
        }
        return stages;
    }

    /**
     * When the version holding {@code stage} was created, from the version list alone (no secret
     * value is read).
     */
    public static Instant created(SecretsManagerClient secrets, String secretId, String stage) {
        return versions(secrets, secretId).stream()
                .filter(v -> v.versionStages().contains(stage))
                .map(SecretVersionsListEntry::createdDate)
                .findFirst()
                .orElse(null);
    }

    private static List<SecretVersionsListEntry> versions(
            SecretsManagerClient secrets, String secretId) {
        List<SecretVersionsListEntry> versions = new ArrayList<>();
        try {
            secrets.listSecretVersionIdsPaginator(r -> r.secretId(secretId))
                    .forEach(p -> versions.addAll(p.versions()));
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
            throw new CliException(
                    ExitCodes.AWS_ERROR,
                    "no secret "
                            + secretId
                            + " here: check the name (without an"
                            + " ACCOUNT, 'veryfi-keys status' lists the secrets tagged for rotation) and --region");
        }
        return versions;
    }

    private static Long keyId(SecretsManagerClient secrets, String secretId, String versionId) {
        String text =
                secrets.getSecretValue(r -> r.secretId(secretId).versionId(versionId))
                        .secretString();
        JsonNode id = Executions.readJson(text).get("apiKeyId");
        return id == null || !id.canConvertToLong() ? null : id.asLong();
    }
}
