package io.veryfikeys.support;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import static org.assertj.core.api.Assertions.assertThat;

class StepHandlerTest {
    @Test
    void serverErrorsThrottlingAndIoAreTransientClientErrorsAreNot() {
        assertThat(StepHandler.isTransient(SdkServiceException.builder().statusCode(500).message("x").build())).isTrue();
        assertThat(StepHandler.isTransient(SdkServiceException.builder().statusCode(503).message("x").build())).isTrue();
        assertThat(StepHandler.isTransient(SdkServiceException.builder().statusCode(429).message("x").build())).isTrue();
        assertThat(StepHandler.isTransient(SdkClientException.create("connection reset"))).isTrue();
        assertThat(StepHandler.isTransient(SdkServiceException.builder().statusCode(400).message("x").build())).isFalse();
        assertThat(StepHandler.isTransient(SdkServiceException.builder().statusCode(403).message("x").build())).isFalse();
    }
}
