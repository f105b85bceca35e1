package io.veryfikeys.confirm;

import io.veryfikeys.consumers.CheckIn;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Parameters;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The confirmation's edges with a map for SSM and a list for the table; the console path as
 * deployed (its own sandbox, moto's SSM and DynamoDB, the rotation waiting) is proven in the
 * integration suite's ConsumerContractsTest.
 */
class ManualConfirmationTest {
    static final String SETTINGS = "/veryfi-key-rotation/s/confirm-settings";
    static final Instant NOW = Instant.parse("2026-12-02T03:04:05.678Z");

    final Map<String, String> ssm = new HashMap<>();
    final List<Object[]> written = new ArrayList<>();
    final Parameters parameters = name -> Optional.ofNullable(ssm.get(name));

    ManualConfirmation confirmation(String settings) {
        return new ManualConfirmation(
                () -> parameters,
                settings,
                (record, expiresAt) -> written.add(new Object[] {record, expiresAt}),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    void deployed() {
        ssm.put(SETTINGS, "{\"consumerRegistryPrefix\":\"/reg/\"}");
        ssm.put(
                "/reg/veryfi/p",
                "{\"consumers\":[{\"name\":\"acme\",\"contract\":\"manual\"},"
                        + "{\"name\":\"nightly\",\"contract\":\"check-in\",\"maxAgeSeconds\":300}]}");
    }

    @Test
    void recordsWhoAndWhenForAManualConsumer() {
        deployed();
        Map<String, Object> result =
                confirmation(SETTINGS)
                        .confirm(new ConfirmRequest("veryfi/p", "acme", 42L, "jane"), "req-1");

        assertThat(written).hasSize(1);
        CheckIn record = (CheckIn) written.get(0)[0];
        assertThat(record)
                .isEqualTo(
                        new CheckIn(
                                "veryfi/p#acme",
                                CheckIn.MANUAL,
                                42,
                                true,
                                Instant.parse("2026-12-02T03:04:05Z"),
                                "jane (Lambda request req-1)"));
        assertThat(written.get(0)[1]).isEqualTo(Instant.parse("2027-01-01T03:04:05Z"));
        assertThat(result)
                .containsEntry("confirmed", true)
                .containsEntry("consumer", "acme")
                .containsEntry("keyId", 42L)
                .containsEntry("confirmedBy", "jane (Lambda request req-1)")
                .containsEntry("at", "2026-12-02T03:04:05Z");
    }

    @Test
    void outsideLambdaTheRecordSaysOnlyWho() {
        deployed();
        confirmation(SETTINGS).confirm(new ConfirmRequest("veryfi/p", "acme", 42L, "jane"), null);
        assertThat(((CheckIn) written.get(0)[0]).by()).isEqualTo("jane");
    }

    @Test
    void refusesAndWritesNothing() {
        deployed();
        ManualConfirmation confirm = confirmation(SETTINGS);
        assertRefused(
                () -> confirm.confirm(new ConfirmRequest("veryfi/p", "nightly", 42L, "jane"), "r"),
                "nightly of veryfi/p has contract check-in, not manual");
        assertRefused(
                () -> confirm.confirm(new ConfirmRequest("veryfi/q", "acme", 42L, "jane"), "r"),
                "no consumer registry for veryfi/q: create SSM parameter /reg/veryfi/q");
        assertRefused(
                () -> confirm.confirm(new ConfirmRequest("../x", "acme", 42L, "jane"), "r"),
                "secretId must not contain empty or relative path segments");
        assertRefused(
                () -> confirm.confirm(new ConfirmRequest("veryfi/p", "acme", 0L, "jane"), "r"),
                "keyId must be");
        ssm.put("/reg/veryfi/p", "{\"consumers\":[{\"name\":\"acme\",\"contract\":\"mail\"}]}");
        assertRefused(
                () -> confirm.confirm(new ConfirmRequest("veryfi/p", "acme", 42L, "jane"), "r"),
                "/reg/veryfi/p");
        assertThat(written).isEmpty();
    }

    @Test
    void withoutItsSettingsItSaysToDeployAndWritesNothing() {
        deployed();
        ConfirmRequest request = new ConfirmRequest("veryfi/p", "acme", 42L, "jane");
        assertThatThrownBy(() -> confirmation(null).confirm(request, "r"))
                .hasMessageContaining("CONFIRM_SETTINGS_PARAMETER is not set");
        assertThatThrownBy(() -> confirmation("/missing").confirm(request, "r"))
                .hasMessageContaining("/missing does not exist");
        ssm.put(SETTINGS, "not json");
        assertThatThrownBy(() -> confirmation(SETTINGS).confirm(request, "r"))
                .hasMessageContaining("has no consumerRegistryPrefix");
        ssm.put(SETTINGS, "{\"consumerRegistryPrefix\":\"reg\"}");
        assertThatThrownBy(() -> confirmation(SETTINGS).confirm(request, "r"))
                .hasMessageContaining("has no consumerRegistryPrefix");
        assertThat(written).isEmpty();
    }

    private static void assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .hasMessageEndingWith("Nothing was written.");
    }
}
