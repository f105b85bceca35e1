package io.veryfikeys.rotation;

import io.veryfikeys.consumers.ConsumerReport;

import java.util.List;

/**
 * What a check-only Plan found ({@code veryfi-keys doctor}): the decision the next run would take,
 * and each consumer's answer to its health contract, asked from the functions' own network with the
 * AWSCURRENT key id to compare against. Ids only, as everywhere.
 */
public record Checkup(Plan plan, List<ConsumerReport> consumers) {
    public Checkup {
        consumers = List.copyOf(consumers);
    }
}
