package io.veryfikeys.consumers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerRegistryTest {
    @Test
    void readsConsumersAndAllowsAnEmptyList() {
        assertThat(ConsumerRegistry.parse("p", "{\"consumers\":[{\"name\":\"payroll-api\",\"healthUrl\":\"https://a.example/h\"}]}"))
                .extracting(Consumer::name).containsExactly("payroll-api");
        assertThat(ConsumerRegistry.parse("p", "{\"consumers\":[]}")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "nope | is not valid JSON",
            "{} | expected {\"consumers\"",
            "{\"consumers\":[{\"name\":\"../x\",\"healthUrl\":\"https://a/h\"}]} | consumers[0].name",
            "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"ftp://a/h\"}]} | consumers[0].healthUrl",
            "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://user:pw@a/h\"}]} | without credentials",
            "{\"consumers\":[{\"name\":\"a\",\"healthUrl\":\"https://a/h\"},{\"name\":\"a\",\"healthUrl\":\"https://b/h\"}]} | appears twice"})
    void rejectsBadRegistriesNamingTheParameterAndEntry(String document, String expected) {
        assertThatThrownBy(() -> ConsumerRegistry.parse("/reg/veryfi/x", document))
                .isInstanceOf(InvalidConsumerRegistryException.class)
                .hasMessageStartingWith("/reg/veryfi/x")
                .hasMessageContaining(expected);
    }
}
