package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request's SigV4 signature checked as AWS checks it (moto checks none): the request re-signed
 * as it was received (method, path and query, the headers it says it signed, its body) with the
 * issued key's secret, at the time its {@code X-Amz-Date} gives, by the AWS SDK's own signer
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). So every suite on
 * the stack proves the functions' own signer ({@code aws.SigV4}): a request it signed wrong is
 * refused with {@code SignatureDoesNotMatch}, as AWS would refuse it.
 *
 * <p>Not checked: presigned requests (no Authorization header), and requests that do not sign
 * {@code x-amz-content-sha256} (botocore's: moto's own engine and the AWS CLI), which the SDK's
 * signer, adding that header, cannot re-sign as received.
 */
final class Signatures {
    private static final Pattern AUTHORIZATION =
            Pattern.compile(
                    "AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request,\\s*"
                            + "SignedHeaders=([^,]+),\\s*Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX");

    private Signatures() {}

    /**
     * False when the request's signature is not what its key signs; true when it is, or unchecked.
     */
    static boolean verifies(HttpExchange ex, byte[] body, CredentialsAuthority.Issued issued) {
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            return true;
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.find()) {
            return false;
        }
        String region = m.group(1);
        String service = m.group(2);
        List<String> signed = Arrays.asList(m.group(3).split(";"));
        if (!signed.contains("x-amz-content-sha256")) {
            return true;
        }
        String amzDate = ex.getRequestHeaders().getFirst("X-Amz-Date");
        ZonedDateTime signedAt;
        try {
            signedAt = ZonedDateTime.parse(String.valueOf(amzDate), AMZ_DATE);
        } catch (DateTimeParseException e) {
            return false;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        URI uri =
                URI.create(
                        "http://"
                                + host
                                + ex.getRequestURI().getRawPath()
                                + (ex.getRequestURI().getRawQuery() == null
                                        ? ""
                                        : "?" + ex.getRequestURI().getRawQuery()));
        SdkHttpRequest.Builder asReceived =
                SdkHttpRequest.builder()
                        .method(SdkHttpMethod.fromValue(ex.getRequestMethod()))
                        .uri(uri);
        for (String name : signed) {
            if (!name.equals("host")) {
                String value = ex.getRequestHeaders().getFirst(name);
                if (value == null) {
                    return false;
                }
                asReceived.putHeader(name, value);
            }
        }
        AwsCredentialsIdentity identity =
                issued.sessionToken() == null
                        ? AwsCredentialsIdentity.create(
                                issued.accessKeyId(), issued.secretAccessKey())
                        : AwsSessionCredentialsIdentity.create(
                                issued.accessKeyId(),
                                issued.secretAccessKey(),
                                issued.sessionToken());
        String expected =
                AwsV4HttpSigner.create()
                        .sign(
                                r ->
                                        r.identity(identity)
                                                .request(asReceived.build())
                                                .payload(ContentStreamProvider.fromByteArray(body))
                                                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                                                .putProperty(
                                                        AwsV4HttpSigner.SERVICE_SIGNING_NAME,
                                                        service)
                                                .putProperty(
                                                        AwsV4FamilyHttpSigner.SIGNING_CLOCK,
                                                        Clock.fixed(
                                                                signedAt.toInstant(),
                                                                ZoneOffset.UTC)))
                        .request()
                        .firstMatchingHeader("Authorization")
                        .orElse("");
        Matcher e = AUTHORIZATION.matcher(expected);
        return e.find() && e.group(4).equals(m.group(4));
    }
}
