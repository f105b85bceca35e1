package io.veryfikeys.veryfi;

import java.time.Duration;
import java.util.Optional;

/** 429 from Veryfi, still there after the client's own retries: transient. */
public class VeryfiRateLimitedException extends VeryfiException {
    private final Duration retryAfter;

    public VeryfiRateLimitedException(String message, Duration retryAfter, Throwable cause) {
        super(message, 429, cause);
        this.retryAfter = retryAfter;
    }

    /** The wait Veryfi asked for in its Retry-After header, if it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
