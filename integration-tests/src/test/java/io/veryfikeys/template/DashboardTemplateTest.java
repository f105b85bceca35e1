package io.veryfikeys.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.LocalAwsStackExtension;
import io.veryfikeys.localstack.SamTemplate;
import io.veryfikeys.support.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the dashboard and the alarms graph only metrics the functions really print, with the
 * dimensions they print them with ({@link Metrics.Metric}), so renaming a metric in the code cannot
 * leave an empty graph or an alarm that never fires. CloudWatch accepts a dashboard or an alarm on
 * a metric that does not exist without a word.
 */
class DashboardTemplateTest {
    private static final JsonNode RESOURCES =
            SamTemplate.load(LocalAwsStackExtension.findTemplate()).tree().path("Resources");
    private static final Pattern SEARCH =
            Pattern.compile("SEARCH\\('\\{VeryfiKeyRotation,([^}]*)\\}[^']*MetricName=\"(\\w+)\"");

    /** Each metric the code prints, by name, with its dimension sets. */
    private static Map<String, Set<Set<String>>> printed() {
        Map<String, Set<Set<String>>> printed = new TreeMap<>();
        for (Metrics.Metric m : Metrics.Metric.values()) {
            Set<Set<String>> sets = new LinkedHashSet<>();
            List<String> fleet = new ArrayList<>(List.of("Stack"));
            fleet.addAll(m.dimensions());
            sets.add(Set.copyOf(fleet));
            if (m.perAccount()) {
                List<String> account = new ArrayList<>(fleet);
                account.add("Account");
                sets.add(Set.copyOf(account));
            }
            printed.put(m.metricName(), sets);
        }
        return printed;
    }

    private static String dashboardBody() {
        JsonNode body =
                RESOURCES.path("OperationsDashboard").path("Properties").path("DashboardBody");
        JsonNode sub = body.path("Fn::Sub");
        String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
        // a ${...} outside quotes is a number (MaxKeyAgeDays), one inside them part of a string
        return text.replaceAll("(?<![\"/])\\$\\{[^}]+}", "0").replaceAll("\\$\\{[^}]+}", "X");
    }

    @Test
    void theDashboardIsJsonAndGraphsOnlyPrintedMetricsWithTheirDimensions() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(dashboardBody());
        Map<String, Set<Set<String>>> printed = printed();
        List<String> graphed = new ArrayList<>();

        for (JsonNode widget : dashboard.path("widgets")) {
            for (JsonNode row : widget.path("properties").path("metrics")) {
                JsonNode first = row.get(0);
                if (first.isObject()) {
                    Matcher m = SEARCH.matcher(first.path("expression").asText());
                    assertThat(m.find()).as("a SEARCH of our namespace: %s", first).isTrue();
                    Set<String> dimensions =
                            Arrays.stream(m.group(1).split(","))
                                    .map(String::strip)
                                    .collect(Collectors.toSet());
                    assertThat(printed).containsKey(m.group(2));
                    assertThat(printed.get(m.group(2))).contains(dimensions);
                    graphed.add(m.group(2));
                } else if (first.asText().equals(Metrics.NAMESPACE)) {
                    String name = row.get(1).asText();
                    Set<String> dimensions = new LinkedHashSet<>();
                    for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
                        dimensions.add(row.get(i).asText());
                    }
                    assertThat(printed).containsKey(name);
                    assertThat(printed.get(name)).contains(dimensions);
                    graphed.add(name);
                }
            }
        }
        assertThat(graphed)
                .as("the dashboard's own metrics")
                .contains(
                        "Rotations",
                        "ConsumersLagging",
                        "VeryfiRetries",
                        "VeryfiRateLimited",
                        "RotationDuration",
                        "Resets",
                        "KeyAge",
                        "KeysOverMaxAge");
    }

    @Test
    void everyAlarmOnOurNamespaceWatchesAPrintedMetric() {
        Map<String, Set<Set<String>>> printed = printed();
        List<String> watched = new ArrayList<>();
        RESOURCES
                .fields()
                .forEachRemaining(
                        r -> {
                            JsonNode p = r.getValue().path("Properties");
                            if (!r.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")
                                    || !p.path("Namespace").asText().equals(Metrics.NAMESPACE)) {
                                return;
                            }
                            Set<String> dimensions = new LinkedHashSet<>();
                            p.path("Dimensions")
                                    .forEach(d -> dimensions.add(d.path("Name").asText()));
                            assertThat(printed).containsKey(p.path("MetricName").asText());
                            assertThat(printed.get(p.path("MetricName").asText()))
                                    .as(r.getKey())
                                    .contains(dimensions);
                            watched.add(r.getKey());
                        });
        assertThat(watched).contains("VeryfiRateLimitedAlarm", "KeysOverMaxAgeAlarm");
    }
}
