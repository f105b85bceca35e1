package io.veryfikeys.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where a function finds its region and credentials, read the way the SDK's system-settings
 * providers read them, without them: those go through the SDK's {@code SystemSettingUtils}, whose
 * logger starts SLF4J (issue 18), a search of every jar for a logging backend (12 ms of a fresh
 * JVM) that ends in three "SLF4J: Failed to load class" lines in the function's log on every cold
 * start.
 */
final class CredentialSources {
    private CredentialSources() {}

    /**
     * The region from the {@code aws.region} system property, else {@code AWS_REGION}, as the SDK's
     * {@code SystemSettingsRegionProvider}: Lambda always sets AWS_REGION
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
     */
    static Region region(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String region = setting(properties.apply("aws.region"));
        if (region == null) {
            region = setting(environment.apply("AWS_REGION"));
        }
        if (region == null) {
            throw SdkClientException.create(
                    "no AWS region: set AWS_REGION (Lambda sets it) or the aws.region property");
        }
        return Region.of(region);
    }

    /**
     * Access-key credentials from {@code lookup} under the three names given (the session token
     * optional), as the SDK's environment-variable and system-property providers read them.
     */
    record KeyCredentials(
            String source,
            UnaryOperator<String> lookup,
            String keyName,
            String secretName,
            String tokenName)
            implements AwsCredentialsProvider {
        static KeyCredentials environment(UnaryOperator<String> env) {
            return new KeyCredentials(
                    "environment variables",
                    env,
                    "AWS_ACCESS_KEY_ID",
                    "AWS_SECRET_ACCESS_KEY",
                    "AWS_SESSION_TOKEN");
        }

        static KeyCredentials systemProperties(UnaryOperator<String> properties) {
            return new KeyCredentials(
                    "system properties",
                    properties,
                    "aws.accessKeyId",
                    "aws.secretAccessKey",
                    "aws.sessionToken");
        }

        @Override
        public AwsCredentials resolveCredentials() {
            String key = setting(lookup.apply(keyName));
            String secret = setting(lookup.apply(secretName));
            if (key == null || secret == null) {
                // Names only: never a value.
                throw SdkClientException.create(
                        "no credentials in the "
                                + source
                                + ": "
                                + keyName
                                + " and "
                                + secretName
                                + " must both be set");
            }
            String token = setting(lookup.apply(tokenName));
            return token == null
                    ? AwsBasicCredentials.create(key, secret)
                    : AwsSessionCredentials.create(key, secret, token);
        }
    }

    /**
     * What the SDK's {@code AwsCredentialsProviderChain} with {@code reuseLastProviderEnabled}
     * does: ask each source in order, keep the first that answers, and from then on ask only that
     * one.
     */
    static final class FirstThatAnswers implements AwsCredentialsProvider {
        private final List<AwsCredentialsProvider> sources;
        private volatile AwsCredentialsProvider answered;

        FirstThatAnswers(List<AwsCredentialsProvider> sources) {
            this.sources = List.copyOf(sources);
        }

        @Override
        public AwsCredentials resolveCredentials() {
            AwsCredentialsProvider known = answered;
            if (known != null) {
                return known.resolveCredentials();
            }
            List<String> why = new ArrayList<>();
            for (AwsCredentialsProvider source : sources) {
                try {
                    AwsCredentials credentials = source.resolveCredentials();
                    answered = source;
                    return credentials;
                } catch (RuntimeException e) {
                    why.add(e.getMessage());
                }
            }
            throw SdkClientException.create(
                    "Unable to load AWS credentials from any source: " + String.join("; ", why));
        }
    }

    /** A setting's value trimmed, or null when it is absent or blank (as the SDK treats both). */
    private static String setting(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
