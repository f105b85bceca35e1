package io.veryfikeys.notifications;

/**
 * The key-rotated event, published after a rotation's promote, a revert and a reset: a consumer
 * subscribed to the topic refetches AWSCURRENT of {@code secretId}. Ids only: the new key is in the
 * secret, never here. The member order is the message's.
 *
 * @param reason {@code rotation}, {@code revert} or {@code reset}
 */
public record KeyRotated(
        String secretId,
        long keyId,
        long previousKeyId,
        String versionId,
        String reason,
        String time) {

    /** The same event for another secret that holds the account (a linked copy). */
    public KeyRotated forSecret(String otherSecretId) {
        return new KeyRotated(otherSecretId, keyId, previousKeyId, versionId, reason, time);
    }
}
