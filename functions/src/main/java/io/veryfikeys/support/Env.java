package io.veryfikeys.support;

/**
 * Function configuration. Lambda passes it as environment variables, and so does the local stack's
 * sandbox runtime; system properties are the fallback for unit tests and the local stack's
 * in-process mode, which run handlers inside a JVM whose environment they cannot set.
 */
public final class Env {
    private Env() {}

    public static String get(String name, String defaultValue) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }

    public static String require(String name) {
        String value = get(name, null);
        if (value == null) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
