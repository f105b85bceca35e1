package io.veryfikeys.support;

/**
 * Function configuration. Lambda passes it as environment variables; the local stack runs
 * every handler in one JVM and can only pass system properties, so those are the fallback.
 */
public final class Env {
    private Env() {
    }

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
