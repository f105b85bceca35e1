package io.veryfikeys.lambda;

import io.veryfikeys.support.Fields;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Json;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import static org.assertj.core.api.Assertions.assertThat;

class StepHandlerTest {
    @Test
    void serverErrorsThrottlingAndIoAreTransientClientErrorsAreNot() {
        assertThat(
                        StepHandler.isTransient(
                                SdkServiceException.builder().statusCode(500).message("x").build()))
                .isTrue();
        assertThat(
                        StepHandler.isTransient(
                                SdkServiceException.builder().statusCode(503).message("x").build()))
                .isTrue();
        assertThat(
                        StepHandler.isTransient(
                                SdkServiceException.builder().statusCode(429).message("x").build()))
                .isTrue();
        assertThat(StepHandler.isTransient(SdkClientException.create("connection reset"))).isTrue();
        assertThat(
                        StepHandler.isTransient(
                                SdkServiceException.builder().statusCode(400).message("x").build()))
                .isFalse();
        assertThat(
                        StepHandler.isTransient(
                                SdkServiceException.builder().statusCode(403).message("x").build()))
                .isFalse();
    }

    public record Typed(String secretId, String reason) {}

    private static final class Echo extends StepHandler<Typed, Typed> {
        Echo(boolean strict) {
            super(Typed.class, strict);
        }

        @Override
        protected Typed handle(Typed input, com.amazonaws.services.lambda.runtime.Context context) {
            return input;
        }
    }

    private static String run(StepHandler<?, ?> handler, String input) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        handler.handleRequest(
                new java.io.ByteArrayInputStream(
                        input.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                out,
                null);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A typed request (the reset's) names the misspelt field and the accepted ones; a machine-built
     * one stays lenient.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "{\"secretId\":\"veryfi/a\",\"reasn\":\"x\"}                | unknown field \"reasn\"; accepted: reason, secretId",
                "{\"secretId\":\"veryfi/a\",\"apikey user:SECRET-VALUE\":1}  | unknown field a field; accepted: reason, secretId",
            })
    void aStrictHandlerRefusesUnknownFieldsAndNamesThem(String input, String message)
            throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(new Echo(true), input))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(message)
                .hasMessageNotContaining("SECRET-VALUE");
        assertThat(run(new Echo(false), input)).contains("veryfi/a");
    }

    @Test
    void knownFieldsAreCheckedOnJsonObjectsToo() throws Exception {
        var input = Json.MAPPER.readTree("{\"secretId\":\"veryfi/a\",\"gracePeriodSecond\":0}");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                Fields.requireKnown(
                                        input,
                                        "the execution input",
                                        java.util.List.of("secretId", "gracePeriodSeconds")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(
                        "the execution input: unknown field \"gracePeriodSecond\"; accepted: gracePeriodSeconds, secretId");
        Fields.requireKnown(
                Json.MAPPER.readTree("{\"secretId\":\"veryfi/a\"}"),
                "x",
                java.util.List.of("secretId"));
    }
}
