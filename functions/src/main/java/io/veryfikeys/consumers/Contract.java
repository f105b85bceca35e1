package io.veryfikeys.consumers;

import io.veryfikeys.support.JsonRecords;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a consumer proves which key it uses (the registry's {@code contract}): its health endpoint,
 * which the poller asks ({@code http}); a record it writes itself, fresh within its {@code
 * maxAgeSeconds} ({@code check-in}: workers and batch jobs without an endpoint); or an operator's
 * confirmation ({@code manual}: a partner's system that a person updates).
 */
public enum Contract implements JsonRecords.JsonWord {
    HTTP("http"),
    CHECK_IN("check-in"),
    MANUAL("manual");

    private final String word;

    Contract(String word) {
        this.word = word;
    }

    @Override
    public String word() {
        return word;
    }

    public static Optional<Contract> of(String word) {
        return Arrays.stream(values()).filter(c -> c.word.equals(word)).findFirst();
    }
}
