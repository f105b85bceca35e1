package io.veryfikeys.support;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"veryfi/payroll", "veryfi/hr-docs_2", "a", "veryfi/team@x.y+z=1"})
    void acceptsSecretNames(String name) {
        assertThat(SecretIds.validate(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "../etc/passwd",
                "veryfi/../x",
                "/veryfi",
                "veryfi/",
                "a//b",
                "a b",
                "a\nb",
                "x'; DROP TABLE",
                "arn:aws:secretsmanager:us-east-1:1:secret:x",
                "..",
                "é"
            })
    void rejectsAnythingElse(String name) {
        assertThatThrownBy(() -> SecretIds.validate(name))
                .isInstanceOf(InvalidInputException.class);
    }
}
