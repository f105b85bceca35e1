package io.veryfikeys.rotation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the fleet names the rotations it starts: {@code <runId>-a<account token>}, where the token is
 * the first 48 bits of the SHA-256 of the secret's name. The name says which account an execution
 * rotates without reading its input: Plan, which must find any other running rotation of its
 * account, describes only the running executions that may be one (named for its account, or named
 * by someone else) instead of all of them, which a fleet of 1,000 running rotations would make a
 * million calls.
 */
public final class ExecutionNames {
    private static final Pattern FLEET_NAME =
            Pattern.compile("(\\d{8}T\\d{6}-[0-9a-f]{8})-a([0-9a-f]{12})");

    private ExecutionNames() {}

    /** The execution name of {@code secretId}'s rotation in fleet run {@code runId}. */
    public static String fleetRotation(String runId, String secretId) {
        return runId + "-a" + token(secretId);
    }

    /**
     * Whether an execution with this name may be a rotation of {@code secretId}: any name but a
     * fleet rotation of another account.
     */
    public static boolean mayRotate(String executionName, String secretId) {
        Matcher m = FLEET_NAME.matcher(executionName);
        return !m.matches() || m.group(2).equals(token(secretId));
    }

    /**
     * The fleet run that an execution (its ARN or name) was named for, if it is named like a fleet
     * rotation. Anyone who may start an execution can choose such a name, so a caller must stay
     * safe when it is forged ({@link FleetScans}: the worst is a scan a few minutes old).
     */
    public static Optional<String> fleetRunOf(String execution) {
        if (execution == null) {
            return Optional.empty();
        }
        Matcher m = FLEET_NAME.matcher(execution.substring(execution.lastIndexOf(':') + 1));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String token(String secretId) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(secretId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
