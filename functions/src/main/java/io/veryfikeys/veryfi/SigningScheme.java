package io.veryfikeys.veryfi;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a request is signed with the account's client secret. Veryfi's own clients differ, and both
 * work against Veryfi, so both are offered; an account's secret chooses one with {@code
 * "requestSigning"} (see the README's secret format). {@code json} is the default, what this tool
 * has always sent.
 */
public enum SigningScheme {
    /**
     * Veryfi's Java SDK: the JSON request body with a {@code "timestamp"} member (the millisecond
     * value, as a string) added last, compact: {@code {"timestamp":"1700000000000"}} without a
     * body.
     */
    JSON("json"),
    /**
     * Veryfi's Python and Node.js clients and the API documentation: the string {@code
     * timestamp:<ms>} followed by {@code ,key:value} for each top-level member of the body: {@code
     * timestamp:1700000000000} without a body.
     */
    PAIRS("pairs");

    private final String name;

    SigningScheme(String name) {
        this.name = name;
    }

    /** The name a secret uses for it. */
    public String configName() {
        return name;
    }

    public static Optional<SigningScheme> fromConfig(String value) {
        return Arrays.stream(values()).filter(s -> s.name.equals(value)).findFirst();
    }
}
