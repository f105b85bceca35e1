package io.veryfikeys.consumers;

import java.net.URI;

/**
 * A system that calls Veryfi with the account's key, and how it proves which key it uses.
 *
 * @param contract how it proves it (null, in a plan written before contracts existed: {@code http})
 * @param healthUrl where the poller asks it ({@code http} only)
 * @param maxAgeSeconds how old its check-in may be and still count ({@code check-in} only)
 * @param checkInId its record in the check-in table: {@code <secret name>#<consumer name>} (the
 *     secret whose registry lists it), which its IAM policy lets it write and nothing else
 */
public record Consumer(
        String name, Contract contract, URI healthUrl, Integer maxAgeSeconds, String checkInId) {
    public Consumer {
        contract = contract == null ? Contract.HTTP : contract;
    }

    /** An {@code http} consumer. */
    public Consumer(String name, URI healthUrl) {
        this(name, Contract.HTTP, healthUrl, null, null);
    }

    /** The record id of consumer {@code consumer} of secret {@code secretName}. */
    public static String checkInId(String secretName, String consumer) {
        return secretName + "#" + consumer;
    }

    Consumer listedBy(String secretName) {
        return new Consumer(name, contract, healthUrl, maxAgeSeconds, checkInId(secretName, name));
    }

    /** The same consumer under another name (a linked copy's, named {@code <copy>:<consumer>}). */
    public Consumer renamed(String newName) {
        return new Consumer(newName, contract, healthUrl, maxAgeSeconds, checkInId);
    }
}
