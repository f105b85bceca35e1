package io.veryfikeys.support;

import java.util.Optional;

/**
 * A store of named settings documents (deployed: SSM Parameter Store, {@code aws.SsmParameters}):
 * the consumer registry and the reset settings read theirs through this, so they can be tested with
 * a map.
 */
@FunctionalInterface
public interface Parameters {
    /** The parameter's value, or empty when there is no such parameter. */
    Optional<String> get(String name);
}
