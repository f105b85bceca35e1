package io.veryfikeys.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.Metrics.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each metric line is a valid EMF document
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * the directive names the namespace, the dimension sets and the metric with its unit, and every
 * dimension and the metric are members of the root with their values.
 */
class MetricsTest {
    @AfterEach
    void clear() {
        Log.clearContext();
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                // metric, value, account, dimension values, expected sets, expected value
                Arguments.of(
                        Metric.ROTATIONS,
                        1.0,
                        "veryfi/payroll",
                        new String[] {"SUCCEEDED"},
                        List.of(
                                List.of("Stack", "Outcome"),
                                List.of("Stack", "Account", "Outcome")),
                        "1"),
                Arguments.of(
                        Metric.ROTATIONS,
                        1.0,
                        null,
                        new String[] {"FAILED"},
                        List.of(List.of("Stack", "Outcome")),
                        "1"),
                Arguments.of(
                        Metric.ROTATION_DURATION,
                        12.5,
                        "veryfi/hr",
                        new String[] {},
                        List.of(List.of("Stack"), List.of("Stack", "Account")),
                        "12.5"),
                Arguments.of(
                        Metric.VERYFI_RETRIES,
                        1.0,
                        "veryfi/hr",
                        new String[] {"create"},
                        // not per account: the account is no dimension even when known
                        List.of(List.of("Stack", "Operation")),
                        "1"),
                Arguments.of(
                        Metric.KEY_AGE,
                        86400.0,
                        "veryfi/hr",
                        new String[] {},
                        List.of(List.of("Stack"), List.of("Stack", "Account")),
                        "86400"));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void aLineIsAnEmfDocument(
            Metric metric,
            double value,
            String account,
            String[] dimensionValues,
            List<List<String>> sets,
            String expected)
            throws Exception {
        JsonNode line =
                Json.MAPPER.readTree(
                        Metrics.line(metric, value, account, 1_700_000_000_000L, dimensionValues));

        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(directive.path("Namespace").asText()).isEqualTo("VeryfiKeyRotation");
        assertThat(Json.MAPPER.convertValue(directive.path("Dimensions"), List.class))
                .isEqualTo(sets);
        assertThat(directive.path("Metrics").get(0).path("Name").asText())
                .isEqualTo(metric.metricName());
        assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo(metric.unit());
        assertThat(line.path(metric.metricName()).asText()).isEqualTo(expected);
        for (List<String> set : sets) {
            for (String dimension : set) {
                assertThat(line.path(dimension).isTextual())
                        .as("dimension %s is a member of the root", dimension)
                        .isTrue();
            }
        }
        for (int i = 0; i < dimensionValues.length; i++) {
            assertThat(line.path(metric.dimensions().get(i)).asText())
                    .isEqualTo(dimensionValues[i]);
        }
    }

    @Test
    void theLogContextRidesAlongWithoutOverridingADimension() throws Exception {
        Log.context("account", "veryfi/payroll");
        Log.context("executionId", "arn:aws:states:us-east-1:1:execution:rotation:x");
        Log.context("Stack", "not-this");

        JsonNode line =
                Json.MAPPER.readTree(
                        Metrics.line(Metric.ROTATIONS, 1, "veryfi/payroll", 0L, "SUCCEEDED"));

        assertThat(line.path("executionId").asText())
                .isEqualTo("arn:aws:states:us-east-1:1:execution:rotation:x");
        assertThat(line.path("account").asText()).isEqualTo("veryfi/payroll");
        assertThat(line.path("Stack").asText()).isNotEqualTo("not-this");
        assertThat(line.path("event").asText()).isEqualTo("metric");
    }

    @Test
    void aMissingDimensionValueIsRefused() {
        assertThatThrownBy(() -> Metrics.line(Metric.ROTATIONS, 1, "veryfi/payroll", 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Rotations needs [Outcome]");
    }
}
