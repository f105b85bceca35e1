package io.veryfikeys.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JsonTree reads the trees and writes the text that ObjectMapper did, for every kind of value. */
class JsonTreeTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "[]",
                "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
                "{\"int\":2147483647,\"long\":2147483648,\"big\":123456789012345678901234567890}",
                "{\"negative\":-9223372036854775808,\"float\":1.5,\"exp\":1e300,\"tiny\":-0.0}",
                "{\"date\":1767225600.123,\"whole\":1767225600.0}",
                "{\"escaped\":\"quote \\\" backslash \\\\ tab \\t newline \\n nul \\u0000\"}",
                "{\"unicode\":\"Gr\\u00fc\\u00dfe \\ud83d\\udd11 é\",\"html\":\"<a href='x'>&</a>\"}",
                "{\"dup\":1,\"dup\":2}",
                "  {\"spaces\" : [ 1 , 2 ] }  ",
                "\"just text\"",
                "42",
                "null",
                "{\"first\":1} {\"second\":2}",
                "[[[[{\"deep\":[{}]}]]]]"
            })
    void readsAndWritesAsObjectMapperDid(String json) throws Exception {
        JsonNode ours = JsonTree.parse(json);
        JsonNode theirs = Json.MAPPER.readTree(json);

        assertThat(ours).isEqualTo(theirs);
        assertThat(JsonTree.text(ours)).isEqualTo(Json.MAPPER.writeValueAsString(theirs));
        assertThat(JsonTree.bytes(ours)).isEqualTo(Json.MAPPER.writeValueAsBytes(theirs));
        assertThat(JsonTree.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(theirs);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"{", "{\"a\":", "{\"a\":1", "[1,2", "{\"a\" 1}", "{a:1}", "[1,]x", "tru"})
    void refusesWhatIsNotJson(String json) {
        assertThatThrownBy(() -> JsonTree.parse(json)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.MAPPER.readTree(json))
                .isInstanceOf(JsonProcessingException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyInputIsAMissingNodeAsReadTreeGives(String json) throws Exception {
        assertThat(JsonTree.parse(json).isMissingNode()).isTrue();
        assertThat(Json.MAPPER.readTree(json).isMissingNode()).isTrue();
    }
}
