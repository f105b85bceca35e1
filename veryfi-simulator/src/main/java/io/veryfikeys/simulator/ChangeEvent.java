package io.veryfikeys.simulator;

import java.util.List;

/**
 * Something that changed in the simulated Veryfi or in a {@link SimulatedConsumer}, told to each
 * {@link ChangeListener} right after it happened. Events carry ids only, never a key value or a
 * client secret, so a listener may print or log them freely.
 */
public sealed interface ChangeEvent {

    /** The Veryfi account concerned (its {@code CLIENT-ID}). */
    String clientId();

    /** An account was created with its first key. */
    record AccountCreated(String clientId, long keyId) implements ChangeEvent {}

    /** A key was added to an account: through the API, or by {@link VeryfiSimulator#addKey}. */
    record KeyCreated(String clientId, long keyId) implements ChangeEvent {}

    /** A key was deleted through the API. */
    record KeyDeleted(String clientId, long keyId) implements ChangeEvent {}

    /** The reset endpoint invalidated every key of the account and issued as many new ones. */
    record AccountReset(String clientId, List<Long> invalidatedKeyIds, List<Long> newKeyIds)
            implements ChangeEvent {
        public AccountReset {
            invalidatedKeyIds = List.copyOf(invalidatedKeyIds);
            newKeyIds = List.copyOf(newKeyIds);
        }
    }

    /** {@link VeryfiSimulator#resetAll} forgot the account, and with it these live keys. */
    record AccountForgotten(String clientId, List<Long> liveKeyIds) implements ChangeEvent {
        public AccountForgotten {
            liveKeyIds = List.copyOf(liveKeyIds);
        }
    }

    /** A consumer started calling Veryfi with another key of the account. */
    record ConsumerSwitchedKey(String clientId, String consumer, long fromKeyId, long toKeyId)
            implements ChangeEvent {}

    /**
     * Veryfi rejected (401/403) a consumer's call made with {@code keyId}: a moment that consumer
     * was locked out. Fired after {@link SimulatedConsumer#rejectedCalls()} counted it.
     */
    record ConsumerCallRejected(String clientId, String consumer, long keyId, int status)
            implements ChangeEvent {}
}
