package io.veryfikeys.notifications;

import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detail of each lifecycle event, as EventBridge carries it, and the README's schema table
 * checked against it: a member added here and not documented (or documented and gone) fails.
 */
class LifecycleEventTest {
    private static final String T = "2026-12-01T10:00:00Z";
    private static final String EXEC =
            "arn:aws:states:eu-west-1:123456789012:execution:s-rotation:veryfi-payroll-1";

    /** One sample of each type, as the steps make them. */
    static List<LifecycleEvent> samples() {
        return List.of(
                LifecycleEvent.rotationStarted("veryfi/payroll", EXEC, "ROTATE", 11L, T),
                LifecycleEvent.keyCreated("veryfi/payroll", EXEC, 12, "v-2", T),
                LifecycleEvent.consumersMoved(
                        "veryfi/payroll", EXEC, 12, List.of("payroll-api"), 3, T),
                LifecycleEvent.oldKeyDeleted("veryfi/payroll", EXEC, 11, 12, T),
                LifecycleEvent.rotationEnded(
                        LifecycleEvent.Type.ROTATION_SUCCEEDED,
                        "veryfi/payroll",
                        EXEC,
                        "SUCCEEDED",
                        "Report",
                        null,
                        11L,
                        12L,
                        T),
                LifecycleEvent.rotationEnded(
                        LifecycleEvent.Type.ROTATION_BLOCKED,
                        "veryfi/payroll",
                        EXEC,
                        "BLOCKED",
                        "Plan",
                        "io.veryfikeys.secrets.InvalidSecretException",
                        11L,
                        null,
                        T),
                LifecycleEvent.rotationEnded(
                        LifecycleEvent.Type.ROTATION_REVERTED,
                        "veryfi/payroll",
                        EXEC,
                        "REVERTED",
                        "Report",
                        null,
                        11L,
                        12L,
                        T),
                LifecycleEvent.rotationEnded(
                        LifecycleEvent.Type.ROTATION_FAILED,
                        "veryfi/payroll",
                        EXEC,
                        "FAILED",
                        "CreateKey",
                        "States.Timeout",
                        11L,
                        null,
                        T),
                LifecycleEvent.resetPerformed(
                        "veryfi/payroll",
                        "v-9",
                        13,
                        12,
                        List.of(12L),
                        List.of(),
                        List.of("veryfi/payroll-copy"),
                        T),
                LifecycleEvent.resetFailed("veryfi/payroll", "LOCKED_OUT", T));
    }

    @Test
    void everyTypeHasASampleAndEachDetailIsIdsAndFactsInTheDocumentedOrder() {
        assertThat(samples())
                .extracting(LifecycleEvent::type)
                .containsExactly(LifecycleEvent.Type.values());
        assertThat(Json.MAPPER.valueToTree(samples().get(2).detail()).toString())
                .isEqualTo(
                        "{\"schemaVersion\":1,\"account\":\"veryfi/payroll\",\"executionId\":\""
                                + EXEC
                                + "\",\"newKeyId\":12,\"consumersVerified\":[\"payroll-api\"],\"polls\":3,"
                                + "\"time\":\""
                                + T
                                + "\"}");
        assertThat(samples().get(4).detail())
                .as("a fact that does not apply is left out")
                .doesNotContainKey("error");
        assertThat(samples().get(8).executionId()).as("a reset has no execution").isNull();
    }

    @Test
    void theReadmeDocumentsEveryTypeWithExactlyItsMembers() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, List<String>> documented = documented(readme);
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (LifecycleEvent sample : samples()) {
            // every member the type may carry, those the sample leaves out (null) included
            List<String> members = new ArrayList<>(List.of("schemaVersion", "account"));
            members.addAll(sample.facts().keySet());
            actual.put(sample.type().detailType(), members);
        }
        assertThat(documented).isEqualTo(actual);
    }

    /**
     * The README's table rows: {@code | `Detail Type` | `member`, `member`, ... | ...}, every
     * member after the common {@code schemaVersion} and {@code account}.
     */
    private static Map<String, List<String>> documented(String readme) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Pattern row =
                Pattern.compile("^\\| `([A-Z][A-Za-z ]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);
        String section =
                readme.substring(
                        readme.indexOf("### Lifecycle events"),
                        readme.indexOf("\n### ", readme.indexOf("### Lifecycle events") + 5));
        Matcher m = row.matcher(section);
        while (m.find()) {
            List<String> members = new ArrayList<>(List.of("schemaVersion", "account"));
            Arrays.stream(m.group(2).split(","))
                    .map(String::strip)
                    .map(x -> x.replace("`", ""))
                    .forEach(members::add);
            rows.put(m.group(1), members);
        }
        return rows;
    }
}
