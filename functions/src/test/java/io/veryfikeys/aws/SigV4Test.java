package io.veryfikeys.aws;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our SigV4 against the AWS SDK's own signer (a test dependency only): the same request, key and
 * instant must give the same signed headers and the same signature, for each kind of request the
 * functions send (JSON with a target, SNS's form, a session token or none, an endpoint override
 * with a port or a path).
 */
class SigV4Test {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://secretsmanager.us-east-1.amazonaws.com|secretsmanager|us-east-1|application/x-amz-json-1.1|secretsmanager.GetSecretValue|{\"SecretId\":\"veryfi/acme\"}|token",
                "https://states.eu-west-1.amazonaws.com/|states|eu-west-1|application/x-amz-json-1.0|AWSStepFunctions.ListExecutions|{\"stateMachineArn\":\"arn:aws:states:eu-west-1:1:stateMachine:r\"}|",
                "https://sns.us-west-2.amazonaws.com|sns|us-west-2|application/x-www-form-urlencoded; charset=utf-8||Action=Publish&Version=2010-03-31&Message=a+b%26c%3Dd+%C3%BC|token",
                "http://127.0.0.1:4566|ssm|us-east-1|application/x-amz-json-1.1|AmazonSSM.GetParameter|{}|",
                "https://proxy.example.com:8443/aws/ddb|dynamodb|ap-southeast-2|application/x-amz-json-1.0|DynamoDB_20120810.UpdateItem|{\"TableName\":\"t\"}|token",
                "https://events.us-east-1.amazonaws.com:443|events|us-east-1|application/x-amz-json-1.1|AWSEvents.PutEvents||",
            })
    void signsAsTheSdksSignerDoes(
            String endpoint,
            String service,
            String region,
            String contentType,
            String target,
            String body,
            String token) {
        URI uri = URI.create(endpoint);
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            uri = uri.resolve("/");
        }
        byte[] payload = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2026-12-02T21:30:15.123Z");
        String sessionToken =
                token == null ? null : "FwoGZXIvYXdzEJr//////////wEaDNa+session/token==";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        if (target != null) {
            headers.put("X-Amz-Target", target);
        }

        Map<String, String> ours =
                SigV4.sign(
                        "POST",
                        uri,
                        headers,
                        payload,
                        new SigV4.Credentials(
                                "AKIDEXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                sessionToken),
                        region,
                        service,
                        now);

        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(request::putHeader);
        AwsCredentialsIdentity identity =
                sessionToken == null
                        ? AwsCredentialsIdentity.create(
                                "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                        : AwsSessionCredentialsIdentity.create(
                                "AKIDEXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                sessionToken);
        SignedRequest sdk =
                AwsV4HttpSigner.create()
                        .sign(
                                r ->
                                        r.identity(identity)
                                                .request(request.build())
                                                .payload(
                                                        ContentStreamProvider.fromByteArray(
                                                                payload))
                                                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                                                .putProperty(
                                                        AwsV4HttpSigner.SERVICE_SIGNING_NAME,
                                                        service)
                                                .putProperty(
                                                        AwsV4FamilyHttpSigner.SIGNING_CLOCK,
                                                        Clock.fixed(now, ZoneOffset.UTC)));

        assertThat(ours.get("Authorization"))
                .isEqualTo(sdk.request().firstMatchingHeader("Authorization").orElseThrow());
        assertThat(ours.get("X-Amz-Date"))
                .isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
        assertThat(ours.get("Host"))
                .isEqualTo(sdk.request().firstMatchingHeader("Host").orElseThrow());
        assertThat(ours.get("X-Amz-Security-Token"))
                .isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Security-Token").orElse(null));
    }
}
