package io.veryfikeys.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tab completion comes from the picocli model: bash completes the real commands and options from
 * it.
 */
class CompletionTest {

    @Test
    void bashCompletesCommandsAndOptionsFromTheGeneratedScript() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                VeryfiKeysCli.run(
                        new String[] {"generate-completion"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        System.err);
        assertThat(code).isZero();
        String script = out.toString(StandardCharsets.UTF_8);

        assertThat(complete(script, "veryfi-keys", "st"))
                .contains("status")
                .doesNotContain("rotate");
        assertThat(complete(script, "veryfi-keys", ""))
                .contains("status", "rotate", "reset", "history");
        assertThat(complete(script, "veryfi-keys rotate veryfi/x", "--grace"))
                .contains("--grace-period");
        assertThat(complete(script, "veryfi-keys", "do")).isEqualTo("doctor");
    }

    /**
     * What bash offers for the last word after the given words, with the generated completion
     * loaded.
     */
    private static String complete(String script, String words, String current) throws Exception {
        String line = words + " " + current;
        String[] parts = line.trim().isEmpty() ? new String[0] : line.split(" ", -1);
        StringBuilder array = new StringBuilder();
        for (String p : parts) array.append('\'').append(p).append("' ");
        String bash =
                script
                        + "\nCOMP_WORDS=("
                        + array
                        + ")\nCOMP_CWORD="
                        + (parts.length - 1)
                        + "\nCOMP_LINE='"
                        + line
                        + "'\nCOMP_POINT=${#COMP_LINE}\n_complete_veryfi-keys veryfi-keys '"
                        + current
                        + "' '"
                        + parts[Math.max(0, parts.length - 2)]
                        + "'\necho \"${COMPREPLY[@]}\"\n";
        Process p =
                new ProcessBuilder("bash", "-c", bash)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
