package io.veryfikeys.veryfi;

/**
 * A create or reset was sent and its answer lost (the connection failed after the request went
 * out): Veryfi may have performed it. Not retried by the client, since a second create could make a
 * second key; the caller reconciles from the key list. A class of its own so that the rotation can
 * remember, in its execution state, that this happened (only then may it delete a key that appeared
 * since it planned).
 */
public class VeryfiAnswerLostException extends VeryfiUnavailableException {
    public VeryfiAnswerLostException(String message, Throwable cause) {
        super(message, 0, cause);
    }
}
