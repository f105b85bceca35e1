package io.veryfikeys.consumers;

import java.util.List;

/**
 * The port to the consumers: which key each one uses now and whether it is healthy. Deployed, it is
 * {@link ConsumerHealth} (their health endpoints over HTTP); unit tests answer from memory. A
 * consumer that cannot answer is reported unreachable, never as moved.
 */
public interface ConsumerChecks {
    /** One report per consumer, in the same order. */
    List<ConsumerReport> check(List<Consumer> consumers);
}
