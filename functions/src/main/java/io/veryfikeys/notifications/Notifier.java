package io.veryfikeys.notifications;

/**
 * Where people, consumers and other programs hear of what happened: alerts and reports for people,
 * key-rotated events for consumers that refetch on push, lifecycle events for programs that route
 * them. Messages carry ids and plain facts, never a key value. Deployed, this is SNS and
 * EventBridge ({@code aws.AwsNotifier}); unit tests record the messages in memory.
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

    /**
     * Puts a lifecycle event on the event bus, best effort: a rotation or a reset never fails
     * because a program downstream could not hear of it (the deployed notifier logs and counts what
     * it could not send).
     */
    void lifecycle(LifecycleEvent event);
}
