package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;
import io.veryfikeys.localstack.LambdaHost.AwsFault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The AWS errors tests injected in place of moto's answers, each for a number of matching calls.
 */
final class AwsFaults {

    private static final class Armed {
        final AwsFault fault;
        int remaining;

        Armed(AwsFault fault) {
            this.fault = fault;
            this.remaining = fault.times();
        }
    }

    private final List<Armed> armed = new ArrayList<>();

    void inject(AwsFault fault) {
        synchronized (armed) {
            armed.add(new Armed(fault));
        }
    }

    void clear() {
        synchronized (armed) {
            armed.clear();
        }
    }

    void clear(String bodyContains) {
        synchronized (armed) {
            armed.removeIf(a -> Objects.equals(bodyContains, a.fault.bodyContains()));
        }
    }

    /** The fault this call gets instead of moto's answer (using up one of its times), or null. */
    AwsFault take(String operation, String principal, byte[] body) {
        if (operation == null) return null;
        synchronized (armed) {
            // every proxied call comes through here: no decoding of the body unless a fault asks
            if (armed.isEmpty()) return null;
            String text = null;
            for (Iterator<Armed> it = armed.iterator(); it.hasNext(); ) {
                Armed a = it.next();
                AwsFault fault = a.fault;
                if (!fault.operation().equalsIgnoreCase(operation)) continue;
                if (fault.function() != null && !fault.function().equals(principal)) continue;
                if (fault.bodyContains() != null) {
                    if (text == null) text = new String(body, StandardCharsets.UTF_8);
                    if (!text.contains(fault.bodyContains())) continue;
                }
                if (a.remaining > 0 && --a.remaining == 0) it.remove();
                return fault;
            }
        }
        return null;
    }

    static void reply(HttpExchange ex, AwsFault fault) throws IOException {
        HttpReplies.sendAwsError(
                ex,
                fault.status(),
                fault.errorCode(),
                fault.errorCode(),
                "injected by the local stack");
    }
}
