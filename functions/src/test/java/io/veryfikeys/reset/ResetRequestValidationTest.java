package io.veryfikeys.reset;

import io.veryfikeys.support.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResetRequestValidationTest {
    @Test
    void acceptsAConfirmedReasonedRequest() {
        assertThat(
                        AccountReset.validate(
                                new ResetRequest(
                                        "veryfi/payroll",
                                        null,
                                        "leak",
                                        "veryfi/payroll",
                                        null,
                                        null)))
                .isEqualTo("veryfi/payroll");
        assertThat(
                        AccountReset.validate(
                                new ResetRequest(
                                        null,
                                        "veryfi/payroll",
                                        "leak",
                                        "veryfi/payroll",
                                        "ops-1234",
                                        "jane")))
                .isEqualTo("veryfi/payroll");
    }

    @Test
    void refusesWithASpecificMessage() {
        assertRefused(
                new ResetRequest("veryfi/payroll", null, "leak", null, null, null),
                "confirm must repeat");
        assertRefused(
                new ResetRequest("veryfi/payroll", null, "leak", "veryfi/hr", null, null),
                "confirm must repeat");
        assertRefused(
                new ResetRequest("veryfi/payroll", null, "   ", "veryfi/payroll", null, null),
                "reason is required");
        assertRefused(
                new ResetRequest("veryfi/payroll", null, null, "veryfi/payroll", null, null),
                "reason is required");
        assertRefused(
                new ResetRequest(
                        "veryfi/payroll", null, "x".repeat(501), "veryfi/payroll", null, null),
                "at most 500");
        assertRefused(
                new ResetRequest("veryfi/payroll", null, "a\u0007b", "veryfi/payroll", null, null),
                "control characters");
        assertRefused(new ResetRequest(null, null, "leak", "", null, null), "secretId is required");
        assertRefused(
                new ResetRequest("veryfi/a", "veryfi/b", "leak", "veryfi/a", null, null),
                "disagree");
        assertRefused(
                new ResetRequest("veryfi/a", null, "leak", "veryfi/a", "short", null),
                "idempotencyToken");
        assertRefused(null, "expected");
    }

    private static void assertRefused(ResetRequest request, String message) {
        assertThatThrownBy(() -> AccountReset.validate(request))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}
