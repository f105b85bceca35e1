package io.veryfikeys.support;

import java.util.regex.Pattern;

/** Secret names as Secrets Manager allows them, minus anything that could walk a path. */
public final class SecretIds {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,256}");

    private SecretIds() {}

    public static String validate(String secretId) {
        if (secretId == null || secretId.isEmpty()) {
            throw new InvalidInputException("secretId is required");
        }
        if (!NAME.matcher(secretId).matches()) {
            throw new InvalidInputException(
                    "secretId must be a secret name of 1-256 characters from A-Z a-z 0-9 / _ + = . @ -");
        }
        if (secretId.startsWith("/")
                || secretId.endsWith("/")
                || secretId.contains("//")
                || secretId.contains("/../")
                || secretId.startsWith("../")
                || secretId.endsWith("/..")
                || secretId.equals("..")
                || secretId.equals(".")) {
            throw new InvalidInputException(
                    "secretId must not contain empty or relative path segments");
        }
        return secretId;
    }
}
