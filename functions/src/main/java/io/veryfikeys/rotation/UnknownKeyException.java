package io.veryfikeys.rotation;

import java.util.List;

/**
 * A key is live at Veryfi that the rotation did not plan for and cannot prove it made: someone else
 * holds it. The rotation stops (BLOCKED) rather than delete it.
 */
public class UnknownKeyException extends RuntimeException {
    private final List<Long> keyIds;

    public UnknownKeyException(String message, List<Long> keyIds) {
        super(message);
        this.keyIds = List.copyOf(keyIds);
    }

    public List<Long> keyIds() {
        return keyIds;
    }
}
