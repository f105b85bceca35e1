package io.veryfikeys.secrets;

import io.veryfikeys.aws.JsonService;
import io.veryfikeys.support.SecretValue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the rotation relies on from Secrets Manager, asserted through our own {@link AccountSecrets}
 * against a real implementation of the wire protocol: moto always, LocalStack where Docker runs.
 */
abstract class AccountSecretsContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** The SDK's client: sets the secrets up and checks them, independently of our code. */
    protected abstract SecretsManagerClient client();

    /** Our own calls, to the same endpoint: what {@link AccountSecrets} uses when deployed. */
    protected abstract JsonService store();

    private AccountSecrets secrets() {
        return new AccountSecrets(this::store);
    }

    private String newSecret(long keyId, String key) {
        String name =
                "veryfi/contract-"
                        + NAMES.incrementAndGet()
                        + "-"
                        + UUID.randomUUID().toString().substring(0, 8);
        client().createSecret(
                        b ->
                                b.name(name)
                                        .secretString(document(keyId, key))
                                        .tags(
                                                Tag.builder()
                                                        .key("veryfi-key-rotation")
                                                        .value("enabled")
                                                        .build()));
        return name;
    }

    private static String document(long keyId, String key) {
        return "{\"clientId\":\"c\",\"username\":\"u\",\"apiKey\":\""
                + key
                + "\",\"apiKeyId\":"
                + keyId
                + "}";
    }

    @Test
    void pendingThenPromoteMovesTheLabelsTheWayTheRotationExpects() {
        String name = newSecret(1, "first-key");
        AccountSecrets secrets = secrets();
        SecretVersions start = secrets.versions(name);
        AccountSecret current = secrets.read(name, start.currentVersionId());
        String token = UUID.randomUUID().toString();

        secrets.putPending(name, token, current.withKey(2, SecretValue.of("second-key")));
        secrets.putPending(
                name,
                token,
                current.withKey(2, SecretValue.of("second-key"))); // same token: harmless
        SecretVersions pending = secrets.versions(name);
        assertThat(pending.pendingVersionId()).contains(token);
        assertThat(pending.currentVersionId()).isEqualTo(start.currentVersionId());
        assertThat(secrets.read(name, token).apiKeyId()).isEqualTo(2);
        assertThat(secrets.hasVersion(name, token)).isTrue();
        assertThat(secrets.hasVersion(name, UUID.randomUUID().toString())).isFalse();

        secrets.moveCurrent(name, start.currentVersionId(), token);
        secrets.removeLabel(name, SecretVersions.PENDING, token);
        SecretVersions promoted = secrets.versions(name);
        assertThat(promoted.currentVersionId()).isEqualTo(token);
        assertThat(promoted.previousVersionId()).contains(start.currentVersionId());
        assertThat(promoted.pendingVersionId()).isEmpty();
        assertThat(secrets.readCurrent(name).apiKeyId()).isEqualTo(2);
        SecretStore.Current read = secrets.readCurrentVersion(name);
        assertThat(read.versionId())
                .as("Plan pairs this id with the versions' AWSCURRENT")
                .isEqualTo(token);
        assertThat(read.secret().apiKeyId()).isEqualTo(2);

        // A reset writes a new AWSCURRENT directly: the promoted version becomes AWSPREVIOUS.
        String resetVersion = UUID.randomUUID().toString();
        secrets.putCurrent(name, resetVersion, current.withKey(3, SecretValue.of("third-key")));
        SecretVersions reset = secrets.versions(name);
        assertThat(reset.currentVersionId()).isEqualTo(resetVersion);
        assertThat(reset.previousVersionId()).contains(token);
        assertThat(secrets.readCurrent(name).apiKeyId()).isEqualTo(3);
    }

    /**
     * The reset marks the current version, stores its new key as AWSCURRENT, then removes the mark
     * from the version it marked. PutSecretValue moves only the labels it names and AWSPREVIOUS
     * ("If you specify a staging label that's already associated with a different version ...
     * Secrets Manager removes the label from the other version", and AWSPREVIOUS moves to the
     * version AWSCURRENT was removed from:
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html), so
     * the mark is still there to remove. moto 5.2 replaced the old version's labels with
     * AWSPREVIOUS alone (MotoServer's patch 11).
     */
    @Test
    void aLabelOnTheCurrentVersionStaysWhenANewCurrentIsPut() {
        String name = newSecret(1, "first-key");
        AccountSecrets secrets = secrets();
        SecretVersions start = secrets.versions(name);
        AccountSecret current = secrets.read(name, start.currentVersionId());
        String mark = SecretVersions.RESETTING_PREFIX + "1796000000000_contract";
        secrets.addLabel(name, mark, start.currentVersionId());

        String resetVersion = UUID.randomUUID().toString();
        secrets.putCurrent(name, resetVersion, current.withKey(2, SecretValue.of("second-key")));

        assertThat(
                        client().describeSecret(b -> b.secretId(name))
                                .versionIdsToStages()
                                .get(start.currentVersionId()))
                .containsExactlyInAnyOrder("AWSPREVIOUS", mark);
        secrets.removeLabel(name, mark, start.currentVersionId());
        assertThat(
                        client().describeSecret(b -> b.secretId(name))
                                .versionIdsToStages()
                                .get(start.currentVersionId()))
                .containsExactly("AWSPREVIOUS");
    }

    @Test
    void listsTheSecretsUnderThePrefixWithTheirTags() {
        String tagged = newSecret(1, "k");
        String untagged =
                "veryfi/contract-untagged-" + UUID.randomUUID().toString().substring(0, 8);
        client().createSecret(b -> b.name(untagged).secretString(document(1, "k")));

        List<SecretStore.Listed> listed = secrets().listUnder("veryfi/contract-");
        assertThat(listed)
                .extracting(SecretStore.Listed::name)
                .contains(tagged, untagged)
                .allMatch(name -> name.startsWith("veryfi/contract-"))
                .isSorted();
        assertThat(listed)
                .filteredOn(l -> l.name().equals(tagged))
                .singleElement()
                .satisfies(
                        l -> assertThat(l.tags()).containsEntry("veryfi-key-rotation", "enabled"));
        assertThat(listed)
                .filteredOn(l -> l.name().equals(untagged))
                .singleElement()
                .satisfies(l -> assertThat(l.tags()).isEmpty());
        // The current key's age comes from the version AWSCURRENT labels.
        assertThat(secrets().currentCreated(tagged))
                .hasValueSatisfying(
                        created ->
                                assertThat(created)
                                        .isBetween(
                                                java.time.Instant.now().minusSeconds(600),
                                                java.time.Instant.now().plusSeconds(60)));
    }

    @Test
    void aMissingSecretIsATypedError() {
        assertThatThrownBy(() -> secrets().versions("veryfi/contract-missing-" + UUID.randomUUID()))
                .isInstanceOf(SecretNotFoundException.class);
    }
}
