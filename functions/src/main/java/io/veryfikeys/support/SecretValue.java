package io.veryfikeys.support;

import java.util.Objects;

/**
 * A key value or client secret. It prints as a mask everywhere (toString, logs, exceptions), so the
 * only way to get at the characters is an explicit {@link #reveal()} at the point where they go on
 * the wire or into Secrets Manager.
 */
public final class SecretValue {
    private final String value;

    private SecretValue(String value) {
        this.value = value;
    }

    public static SecretValue of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret value must not be empty");
        }
        return new SecretValue(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return "****";
    }
}
