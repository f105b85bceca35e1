package io.veryfikeys.safety;

/** JVM-wide settings of the safety suite, applied before any handler class loads. */
final class Safety {
    private Safety() {
    }

    static void configure() {
        // A Veryfi call longer than this counts as timed out (10 s in AWS): keeps timeout scenarios short.
        if (System.getProperty("VERYFI_REQUEST_TIMEOUT_MILLIS") == null) {
            System.setProperty("VERYFI_REQUEST_TIMEOUT_MILLIS", "1500");
        }
    }
}
