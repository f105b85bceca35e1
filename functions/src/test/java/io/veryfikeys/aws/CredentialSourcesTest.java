package io.veryfikeys.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The region and credentials read as the SDK's system-settings providers read them, and the sources
 * asked in order as the SDK's chain with reuseLastProviderEnabled asks them: a SnapStart function
 * has no access-key variables and must reach the container source; a function without SnapStart
 * must never ask it.
 */
class CredentialSourcesTest {
    private final List<String> asked = new ArrayList<>();

    /** A source that answers, or has nothing ({@code key} null), and records being asked. */
    private AwsCredentialsProvider source(String name, String key) {
        return () -> {
            asked.add(name);
            if (key == null) {
                throw SdkClientException.create(name + " has no credentials");
            }
            return AwsBasicCredentials.create(key, "secret-of-" + name);
        };
    }

    @Test
    void theFirstSourceThatAnswersIsKeptAndTheOnesBeforeItAreNotAskedAgain() {
        CredentialSources.FirstThatAnswers chain =
                new CredentialSources.FirstThatAnswers(
                        List.of(
                                source("properties", null),
                                source("environment", null),
                                source("container", "AKIDCONTAINER")));

        assertThat(chain.resolveCredentials().accessKeyId()).isEqualTo("AKIDCONTAINER");
        assertThat(chain.resolveCredentials().accessKeyId()).isEqualTo("AKIDCONTAINER");
        assertThat(asked).containsExactly("properties", "environment", "container", "container");
    }

    @Test
    void aSourceEarlierInTheListWinsAndTheLaterOnesAreNeverAsked() {
        CredentialSources.FirstThatAnswers chain =
                new CredentialSources.FirstThatAnswers(
                        List.of(
                                source("properties", null),
                                source("environment", "AKIDENV"),
                                source("container", "AKIDCONTAINER")));

        assertThat(chain.resolveCredentials().accessKeyId()).isEqualTo("AKIDENV");
        assertThat(asked).containsExactly("properties", "environment");
    }

    @Test
    void noSourceWithCredentialsIsAClientErrorThatSaysWhyForEachSourceAndTriesAgainNextTime() {
        CredentialSources.FirstThatAnswers chain =
                new CredentialSources.FirstThatAnswers(
                        List.of(source("properties", null), source("environment", null)));

        assertThatThrownBy(chain::resolveCredentials)
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("properties has no credentials")
                .hasMessageContaining("environment has no credentials");
        assertThatThrownBy(chain::resolveCredentials).isInstanceOf(SdkClientException.class);
        assertThat(asked).as("nothing kept after a failure").hasSize(4);
    }

    /**
     * The same variables give the same credentials as the SDK's own environment provider, which
     * reads the process environment: compared on this JVM's environment, whatever it holds.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            textBlock =
                    """
            # case                     | key        | secret     | token  | answers | session
            key, secret and token      | AKIDEXAMPL | s3cr3t     | tok    | true    | true
            key and secret             | AKIDEXAMPL | s3cr3t     | -      | true    | false
            blank token                | AKIDEXAMPL | s3cr3t     | '  '   | true    | false
            values padded with spaces  | ' AKIDX '  | ' s3cr3t ' | ' t '  | true    | true
            no secret                  | AKIDEXAMPL | -          | tok    | false   | false
            blank key                  | '   '      | s3cr3t     | -      | false   | false
            nothing                    | -          | -          | -      | false   | false
            """)
    void accessKeyVariablesAreReadAsTheSdkReadsThem(
            String why, String key, String secret, String token, boolean answers, boolean session) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", key);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_SESSION_TOKEN", token);
        CredentialSources.KeyCredentials source =
                CredentialSources.KeyCredentials.environment(env::get);

        if (!answers) {
            assertThatThrownBy(source::resolveCredentials)
                    .isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
                    .satisfies(
                            e -> {
                                for (String value : new String[] {key, secret, token}) {
                                    if (value != null && !value.isBlank()) {
                                        assertThat(e.getMessage()).doesNotContain(value.strip());
                                    }
                                }
                            });
            return;
        }
        AwsCredentials credentials = source.resolveCredentials();
        assertThat(credentials.accessKeyId()).isEqualTo(key.strip());
        assertThat(credentials.secretAccessKey()).isEqualTo(secret.strip());
        assertThat(credentials instanceof AwsSessionCredentials).isEqualTo(session);
        if (session) {
            assertThat(((AwsSessionCredentials) credentials).sessionToken())
                    .isEqualTo(token.strip());
        }
    }

    @Test
    void theEnvironmentSourceAgreesWithTheSdksOnThisProcess() {
        CredentialSources.KeyCredentials ours =
                CredentialSources.KeyCredentials.environment(System::getenv);
        AwsCredentialsProvider sdk = EnvironmentVariableCredentialsProvider.create();
        AwsCredentials expected;
        try {
            expected = sdk.resolveCredentials();
        } catch (SdkClientException e) {
            assertThatThrownBy(ours::resolveCredentials).isInstanceOf(SdkClientException.class);
            return;
        }
        assertThat(ours.resolveCredentials()).isEqualTo(expected);
    }

    @Test
    void thePropertiesSourceReadsTheSdksPropertyNames() {
        Map<String, String> properties =
                Map.of(
                        "aws.accessKeyId", "AKIDPROP",
                        "aws.secretAccessKey", "prop-secret",
                        "aws.sessionToken", "prop-token");
        AwsCredentials credentials =
                CredentialSources.KeyCredentials.systemProperties(properties::get)
                        .resolveCredentials();
        assertThat(credentials)
                .isEqualTo(AwsSessionCredentials.create("AKIDPROP", "prop-secret", "prop-token"));
    }

    @ParameterizedTest(name = "property {0}, variable {1} -> {2}")
    @CsvSource(
            nullValues = "-",
            textBlock =
                    """
            eu-west-1, us-east-1, eu-west-1
            -,         us-east-1, us-east-1
            '  ',      us-gov-west-1, us-gov-west-1
            -,         ' eu-central-1 ', eu-central-1
            """)
    void theRegionComesFromThePropertyElseTheVariable(
            String property, String variable, String expected) {
        Map<String, String> properties = new HashMap<>();
        properties.put("aws.region", property);
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", variable);
        assertThat(CredentialSources.region(properties::get, env::get))
                .isEqualTo(Region.of(expected));
    }

    @Test
    void noRegionIsAClearError() {
        assertThatThrownBy(() -> CredentialSources.region(name -> null, name -> null))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("AWS_REGION");
    }
}
