package io.veryfikeys.notifications;

/**
 * Where people and consumers hear of what happened: alerts and reports for people, key-rotated
 * events for consumers that refetch on push. Messages carry ids and plain facts, never a key value.
 * Deployed, this is SNS ({@code aws.SnsNotifier}); unit tests record the messages in memory.
 */
public interface Notifier {
    /**
     * The {@code advice} member of an alert that tells the responder to reset the account by hand.
     * Set only where no stored key works: a reset kills the key in AWSCURRENT, so this advice on a
     * live key would lock its consumers out (the safety suite checks every alert for it).
     */
    String ADVICE_RESET_ACCOUNT = "RESET_ACCOUNT";

    /**
     * An alert or report, a record or a map serialized as JSON: {@code result} is also a message
     * attribute, so subscriptions can filter on it. Returns the message id.
     */
    String alert(String subject, String result, Object message);

    /** Returns the message id. */
    String keyRotated(KeyRotated event);
}
