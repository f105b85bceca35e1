package io.veryfikeys.veryfi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorBodyTest {
    @Test
    void documentedShape() {
        ErrorBody e =
                ErrorBody.parse(
                        "{\"status\":\"fail\",\"code\":\"MALFORMED_PARAMETERS\",\"message\":\"Malformed parameters\"}");
        assertThat(e.code()).contains("MALFORMED_PARAMETERS");
        assertThat(e.message()).contains("Malformed parameters");
    }

    @Test
    void codeInErrorMember() {
        ErrorBody e = ErrorBody.parse("{\"error\":\"key_limit_reached\"}");
        assertThat(e.code()).contains("KEY_LIMIT_REACHED");
        assertThat(e.codeContains("LIMIT")).isTrue();
        assertThat(e.message()).isEmpty();
    }

    @Test
    void proseInErrorMemberIsAMessage() {
        ErrorBody e = ErrorBody.parse("{\"error\":\"You cannot delete the last key\"}");
        assertThat(e.code()).isEmpty();
        assertThat(e.message()).contains("You cannot delete the last key");
    }

    @Test
    void everythingMissingOrOdd() {
        assertThat(ErrorBody.parse(null)).isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("")).isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("<html>502 Bad Gateway</html>")).isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("[1,2]")).isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("{}")).isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("{\"code\":null,\"message\":{\"x\":1}}"))
                .isEqualTo(ErrorBody.EMPTY);
        assertThat(ErrorBody.parse("{\"message\":\"only a message\"}").message())
                .contains("only a message");
        assertThat(ErrorBody.parse("{\"code\":404}").code()).isEmpty();
    }

    @Test
    void longMessagesAreShortenedAndFlattened() {
        String longMessage = "x".repeat(1000);
        ErrorBody e =
                ErrorBody.parse(
                        "{\"code\":\"LAST_KEY\",\"message\":\"" + longMessage + "\\nline2\"}");
        assertThat(e.codeContains("LAST")).isTrue();
        assertThat(e.message().orElseThrow()).hasSizeLessThan(210).doesNotContain("\n");
    }
}
