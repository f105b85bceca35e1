package io.veryfikeys.rotation;

import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.secrets.SecretStore;
import io.veryfikeys.veryfi.VeryfiKeys;

import java.time.Clock;

/**
 * What both the rotation and the incident reset act on: the secrets, Veryfi, the running rotations,
 * the notifications, and the clock. Deployed: {@link DeployedRotation#ports()}; in unit tests,
 * in-memory fakes.
 */
public record Ports(
        SecretStore secrets,
        VeryfiKeys veryfi,
        RunningRotations running,
        Notifier notifier,
        Clock clock) {}
