package io.veryfikeys.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JsonTree reads the trees and writes the text that ObjectMapper did, for every kind of value,
 * though it reads and writes through Gson's streaming classes.
 */
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
        // As UTF-8, characters beyond the BMP as they are: databind's byte writer escaped those
        // (\uD83D\uDD11), its text writer did not; either reads back to the same tree.
        assertThat(JsonTree.bytes(ours))
                .isEqualTo(JsonTree.text(ours).getBytes(StandardCharsets.UTF_8));
        assertThat(Json.MAPPER.readTree(JsonTree.bytes(ours))).isEqualTo(theirs);
        assertThat(JsonTree.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(theirs);
    }

    /**
     * The two places where the text differs from databind's, as JsonTree's documentation says: both
     * the same JSON, which databind reads back to the same tree.
     */
    @Test
    void escapesLineSeparatorsAndWritesLowerCaseHexWhereDatabindDidNot() throws Exception {
        JsonNode node = Json.MAPPER.readTree("[\"a\\u2028b\\u2029c\", \"unit \\u001f separator\"]");

        assertThat(JsonTree.text(node))
                .isEqualTo("[\"a\\u2028b\\u2029c\",\"unit \\u001f separator\"]");
        assertThat(Json.MAPPER.writeValueAsString(node))
                .isEqualTo("[\"a\u2028b\u2029c\",\"unit \\u001F separator\"]");
        assertThat(Json.MAPPER.readTree(JsonTree.text(node))).isEqualTo(node);
    }

    @Test
    void writesWholeNumbersAsTheTypesJacksonReadThemAs() throws Exception {
        assertThat(JsonTree.parse("2147483647")).isInstanceOf(IntNode.class);
        assertThat(JsonTree.parse("-2147483648")).isInstanceOf(IntNode.class);
        assertThat(JsonTree.parse("2147483648")).isInstanceOf(LongNode.class);
        assertThat(JsonTree.parse("-9223372036854775808")).isInstanceOf(LongNode.class);
        assertThat(JsonTree.parse("9223372036854775808")).isInstanceOf(BigIntegerNode.class);
        assertThat(JsonTree.parse("-0")).isEqualTo(Json.MAPPER.readTree("-0"));
        assertThat(JsonTree.parse("1E2")).isEqualTo(Json.MAPPER.readTree("1E2"));
    }

    @Test
    void writesWhatJsonCannotHoldAsJacksonDidQuoted() {
        ObjectNode node = JsonTree.object();
        node.put("nan", Double.NaN);
        node.put("inf", Double.NEGATIVE_INFINITY);

        assertThat(JsonTree.text(node)).isEqualTo(Json.MAPPER.valueToTree(node).toString());
        assertThat(JsonTree.text(node)).isEqualTo("{\"nan\":\"NaN\",\"inf\":\"-Infinity\"}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"{", "{\"a\":", "{\"a\":1", "[1,2", "{\"a\" 1}", "{a:1}", "[1,]x", "tru"})
    void refusesWhatIsNotJson(String json) {
        assertThatThrownBy(() -> JsonTree.parse(json))
                .isInstanceOf(JsonTree.NotJsonException.class);
        assertThatThrownBy(() -> JsonTree.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonTree.NotJsonException.class);
        assertThatThrownBy(() -> Json.MAPPER.readTree(json))
                .isInstanceOf(JsonProcessingException.class);
    }

    /** What Jackson's defaults refused, Gson in its lenient modes would have taken. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{'a':1}",
                "{\"a\":1,}",
                "[1,,2]",
                "[01]",
                "[NaN]",
                "[Infinity]",
                "{\"a\":1;\"b\":2}",
                "{\"a\"=1}",
                "// comment\n{}",
                "{\"a\":\"tab\tinside\"}",
                "{\"a\":\"\\x\"}",
                "[.5]",
                "[+1]"
            })
    void refusesWhatJacksonRefusedWhereGsonCouldBeLenient(String json) {
        assertThatThrownBy(() -> Json.MAPPER.readTree(json))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> JsonTree.parse(json))
                .isInstanceOf(JsonTree.NotJsonException.class);
    }

    @Test
    void saysWhereTheTextStoppedBeingJsonButNeverWhatWasThere() {
        assertThatThrownBy(() -> JsonTree.parse("{\"outer\":{\"apiKey\":sk_live_123}}"))
                .isInstanceOf(JsonTree.NotJsonException.class)
                .hasMessage("not valid JSON at $.outer.apiKey")
                .hasNoCause()
                .satisfies(
                        e ->
                                assertThat(((JsonTree.NotJsonException) e).path())
                                        .isEqualTo("$.outer.apiKey"));
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] latin1 = "{\"a\":\"Gr\u00fc\u00dfe\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> JsonTree.parse(latin1))
                .isInstanceOf(JsonTree.NotJsonException.class)
                .hasMessage("not UTF-8 at $");
        assertThatThrownBy(() -> Json.MAPPER.readTree(latin1))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void refusesANumberLongerThanJacksonAllowed() throws Exception {
        String longest = "1".repeat(JsonTree.MAX_NUMBER_LENGTH);

        assertThat(JsonTree.parse(longest)).isEqualTo(Json.MAPPER.readTree(longest));
        assertThatThrownBy(() -> JsonTree.parse("[" + longest + "1]"))
                .isInstanceOf(JsonTree.NotJsonException.class)
                .hasMessage("a number longer than 1000 characters at $[0]");
        assertThatThrownBy(() -> Json.MAPPER.readTree("[" + longest + "1]"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void skipsAByteOrderMarkAsJacksonDid() throws Exception {
        byte[] json = "\uFEFF{\"a\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(JsonTree.parse(json)).isEqualTo(Json.MAPPER.readTree(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyInputIsAMissingNodeAsReadTreeGives(String json) throws Exception {
        assertThat(JsonTree.parse(json).isMissingNode()).isTrue();
        assertThat(Json.MAPPER.readTree(json).isMissingNode()).isTrue();
    }
}
