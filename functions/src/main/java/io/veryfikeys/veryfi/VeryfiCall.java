package io.veryfikeys.veryfi;

import io.veryfikeys.support.Log;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import io.veryfikeys.support.SecretValue;
import io.veryfikeys.veryfi.VeryfiKeysClient.Operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One call to Veryfi as its messages and logs report it: ids, statuses, codes and trace ids, never
 * a key value. Holds what every report of the call names, so that the retry loop in {@link
 * VeryfiKeysClient} says only what changed (the attempt, the status).
 */
final class VeryfiCall {
    private static final Log LOG = Log.get(VeryfiKeysClient.class);

    private final Operation op;
    private final VeryfiAccount account;
    private final SecretValue authKey;
    private final Long keyId;
    private final Clock clock;
    private final Instant start;

    VeryfiCall(Operation op, VeryfiAccount account, SecretValue authKey, Long keyId, Clock clock) {
        this.op = op;
        this.account = account;
        this.authKey = authKey;
        this.keyId = keyId;
        this.clock = clock;
        this.start = clock.instant();
    }

    Instant start() {
        return start;
    }

    String describe(int status, String code, String trace, int attempts) {
        StringBuilder b = new StringBuilder("Veryfi ").append(op.label);
        if (keyId != null) {
            b.append(' ').append(keyId);
        }
        b.append(" failed: ").append(status == 0 ? "no response" : "HTTP " + status);
        if (code != null) {
            b.append(", code ").append(code);
        }
        if (trace != null) {
            b.append(", trace id ").append(trace);
        }
        b.append(", attempts ").append(attempts);
        return b.toString();
    }

    /** {@link #describe} of a call that got no answer. */
    String unanswered(int attempts) {
        return describe(0, null, null, attempts);
    }

    /** Veryfi's error message is shown, but never with a credential we sent echoed back in it. */
    String scrub(String text) {
        String result = text.replace(authKey.reveal(), "****");
        if (account.clientSecret().isPresent()) {
            result = result.replace(account.clientSecret().get().reveal(), "****");
        }
        return result;
    }

    /** Logs the call's failure and returns {@code error}, for the caller to throw. */
    VeryfiException fail(
            int attempts, String trace, int status, String code, VeryfiException error) {
        if (status == 429) {
            Metrics.put(Metric.VERYFI_RATE_LIMITED, 1, null);
        }
        LOG.warn(
                "veryfi.call",
                ended(
                        keyId,
                        status,
                        error.getClass().getSimpleName(),
                        attempts,
                        trace,
                        "code",
                        code));
        return error;
    }

    /** A failure before any answer: no status, no trace id. */
    VeryfiException failWithoutAnswer(int attempts, String reason, VeryfiException error) {
        return fail(attempts, null, 0, reason, error);
    }

    void succeeded(int attempts, String trace, int status, Object result) {
        Object ids = keyId;
        if (result instanceof ApiKey key) {
            ids = key.id();
        } else if (result instanceof List<?> list
                && !list.isEmpty()
                && list.getFirst() instanceof ApiKey) {
            ids = list.stream().map(k -> String.valueOf(((ApiKey) k).id())).toList().toString();
        }
        Integer count = result instanceof List<?> list ? list.size() : null;
        LOG.info("veryfi.call", ended(ids, status, "ok", attempts, trace, "keyCount", count));
    }

    void retrying(int attempt, int status, String trace, String reason, Duration delay) {
        Metrics.put(Metric.VERYFI_RETRIES, 1, null, op.logName());
        if (status == 429) {
            Metrics.put(Metric.VERYFI_RATE_LIMITED, 1, null);
        }
        LOG.warn(
                "veryfi.retry",
                about(
                        keyId,
                        "attempt",
                        attempt,
                        "status",
                        status,
                        "reason",
                        reason,
                        "delayMs",
                        delay.toMillis(),
                        "traceId",
                        trace));
    }

    /**
     * What every log line of the call names first (the operation, the account, the key ids), then
     * {@code more}.
     */
    private Object[] about(Object keyIds, Object... more) {
        Object[] fields = new Object[6 + more.length];
        fields[0] = "operation";
        fields[1] = op.logName();
        fields[2] = "clientId";
        fields[3] = account.clientId();
        fields[4] = "keyId";
        fields[5] = keyIds;
        System.arraycopy(more, 0, fields, 6, more.length);
        return fields;
    }

    /** How a call ended: its status and outcome, one detail ({@code key}), attempts and time. */
    private Object[] ended(
            Object ids,
            int status,
            String outcome,
            int attempts,
            String trace,
            String key,
            Object value) {
        return about(
                ids,
                "status",
                status,
                key,
                value,
                "outcome",
                outcome,
                "attempts",
                attempts,
                "durationMs",
                millisSoFar(),
                "traceId",
                trace);
    }

    private long millisSoFar() {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
