package io.veryfikeys.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.ConnectException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of failure → its exit code and a line that names the fix (the real failures:
 * VeryfiKeysCliTest).
 */
class CliErrorsTest {
    static final CliErrors.Context AWS =
            new CliErrors.Context(false, null, "eu-west-1", "ops", "veryfi-key-rotation");
    static final CliErrors.Context LOCAL =
            new CliErrors.Context(true, "http://127.0.0.1:4566", null, null, "x");

    record Row(
            String name,
            Throwable error,
            CliErrors.Context where,
            int exitCode,
            List<String> mustSay) {
        @Override
        public String toString() {
            return name;
        }
    }

    static AwsServiceException aws(String service, String code, int status, String message) {
        return AwsServiceException.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(
                        AwsErrorDetails.builder()
                                .serviceName(service)
                                .errorCode(code)
                                .errorMessage(message)
                                .build())
                .build();
    }

    static List<Row> rows() {
        String chain =
                "Unable to load credentials from any of the providers in the chain AwsCredentialsProviderChain("
                        + "credentialsProviders=[SystemPropertyCredentialsProvider(), EnvironmentVariableCredentialsProvider(), "
                        + "WebIdentityTokenCredentialsProvider(), ProfileCredentialsProvider(profileName=default, profileFile="
                        + "ProfileFile(sections=[])), ContainerCredentialsProvider(), InstanceProfileCredentialsProvider()]) : "
                        + "[SystemPropertyCredentialsProvider(): Unable to load credentials from system settings. ...]";
        return List.of(
                new Row(
                        "no region",
                        SdkClientException.create(
                                "Unable to load region from any of the providers in the"
                                        + " chain software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain@1: [...]"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("no AWS region", "--region", "AWS_REGION", "profile ops")),
                new Row(
                        "no credentials",
                        SdkClientException.create(chain),
                        new CliErrors.Context(
                                false, null, "eu-west-1", null, "veryfi-key-rotation"),
                        ExitCodes.AWS_ERROR,
                        List.of(
                                "no AWS credentials",
                                "--profile",
                                "aws configure",
                                "aws sso login")),
                new Row(
                        "profile without credentials",
                        SdkClientException.create(chain),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("profile ops gives no credentials", "aws sso login --profile ops")),
                new Row(
                        "expired",
                        aws(
                                "Sfn",
                                "ExpiredTokenException",
                                400,
                                "The security token included in the request is expired"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("expired", "aws sso login --profile ops")),
                new Row(
                        "unknown key",
                        aws(
                                "Sfn",
                                "UnrecognizedClientException",
                                400,
                                "The security token included in the" + " request is invalid."),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("does not accept", "aws configure")),
                new Row(
                        "stack missing",
                        aws(
                                "CloudFormation",
                                "ValidationError",
                                400,
                                "Stack with id prod-rotation does not exist"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("stack prod-rotation not found in eu-west-1", "--stack-name")),
                new Row(
                        "denied",
                        aws(
                                "SecretsManager",
                                "AccessDeniedException",
                                400,
                                "User: arn:aws:sts::1:assumed-role/op/x"
                                        + " is not authorized to perform: secretsmanager:GetSecretValue on resource: veryfi/payroll"
                                        + " because no identity-based policy allows the secretsmanager:GetSecretValue action"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of(
                                "access denied: secretsmanager:GetSecretValue on veryfi/payroll",
                                CliErrors.POLICIES)),
                new Row(
                        "denied, SNS words",
                        aws(
                                "Sns",
                                "AuthorizationError",
                                403,
                                "User: x is not authorized to perform:"
                                        + " SNS:ListSubscriptionsByTopic on resource: arn:aws:sns:eu-west-1:1:alerts"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of(
                                "access denied: SNS:ListSubscriptionsByTopic on arn:aws:sns:eu-west-1:1:alerts")),
                new Row(
                        "denied, long ARN",
                        aws(
                                "Sfn",
                                "AccessDeniedException",
                                400,
                                "User: x is not authorized to perform:"
                                        + " states:DescribeExecution on resource: arn:aws:states:eu-west-1:123456789012:execution:"
                                        + "veryfi-key-rotation-rotation:49307aa4-370d-4972-b0c0-3032f6f7ebcb because no identity-based policy"
                                        + " allows the states:DescribeExecution action"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of(
                                "access denied: states:DescribeExecution on ...",
                                "49307aa4-370d-4972-b0c0-3032f6f7ebcb",
                                CliErrors.POLICIES)),
                new Row(
                        "not found",
                        aws(
                                "SecretsManager",
                                "ResourceNotFoundException",
                                400,
                                "Secrets Manager can't find the specified secret."),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("can't find", "check the name and --region")),
                new Row(
                        "unreachable, AWS",
                        SdkClientException.create(
                                "Unable to execute HTTP request: Connection refused",
                                new ConnectException("Connection refused")),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of("cannot reach AWS in eu-west-1", "network")),
                new Row(
                        "unreachable, local",
                        SdkClientException.create(
                                "Unable to execute HTTP request",
                                new ConnectException("Connection refused")),
                        LOCAL,
                        ExitCodes.AWS_ERROR,
                        List.of("cannot reach http://127.0.0.1:4566", "./run-demo --keep-running")),
                new Row(
                        "anything else names --debug",
                        aws("Sfn", "InvalidArn", 400, "Invalid Arn: 'x'"),
                        AWS,
                        ExitCodes.AWS_ERROR,
                        List.of(
                                "Sfn refused the call (InvalidArn, HTTP 400; --debug shows the whole"
                                        + " cause): Invalid Arn")),
                new Row(
                        "ours",
                        new CliException(
                                ExitCodes.USAGE,
                                "refused: repeat the account with --confirm veryfi/x"),
                        AWS,
                        ExitCodes.USAGE,
                        List.of("--confirm veryfi/x")),
                new Row(
                        "long",
                        new CliException(ExitCodes.NOT_SUCCEEDED, "x".repeat(500)),
                        AWS,
                        ExitCodes.NOT_SUCCEEDED,
                        List.of("(--debug for all)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachFailureIsOneShortLineThatNamesTheFix(Row row) {
        CliErrors.Explained e = CliErrors.explain(row.error(), row.where());

        assertThat(e.exitCode()).isEqualTo(row.exitCode());
        assertThat(e.message()).doesNotContain("\n").contains(row.mustSay());
        assertThat(("error: " + e.message()).length()).isLessThanOrEqualTo(CliErrors.MAX_LINE);
        assertThat(e.message())
                .doesNotContain("ProviderChain", "SystemPropertyCredentialsProvider");
    }
}
