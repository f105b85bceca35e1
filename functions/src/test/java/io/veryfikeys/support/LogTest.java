package io.veryfikeys.support;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {
    @AfterEach
    void restore() {
        Log.redirect(null);
        Log.clearContext();
    }

    @Test
    void writesOneJsonObjectPerLineWithContextAndMasksSecrets() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        Log.context("account", "veryfi/payroll");
        Log.get(LogTest.class)
                .info(
                        "create.key_created",
                        "keyId",
                        42L,
                        "key",
                        SecretValue.of("super-secret-value"));

        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(output.lines()).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(output);
        assertThat(line.get("event").asText()).isEqualTo("create.key_created");
        assertThat(line.get("account").asText()).isEqualTo("veryfi/payroll");
        assertThat(line.get("keyId").asLong()).isEqualTo(42);
        assertThat(output).doesNotContain("super-secret-value");
    }
}
