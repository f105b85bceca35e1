package io.veryfikeys.aws;

import io.veryfikeys.support.HmacSha256;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signature Version 4 of one AWS request, with its headers, as AWS documents it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the canonical
 * request (method, path, no query, the signed headers, the payload's SHA-256), the string to sign,
 * the signing key derived from the secret key, date, region and service, and the Authorization
 * header. Every header of ours is signed: {@code Content-Type}, {@code Host}, {@code
 * X-Amz-Content-Sha256}, {@code X-Amz-Date}, {@code X-Amz-Target} and {@code X-Amz-Security-Token}
 * when there are. {@code SigV4Test} checks the result against the AWS SDK's own signer, header for
 * header.
 *
 * <p>Written here instead of using the SDK's signer: the signer's classes were some 100 of a first
 * invocation without SnapStart (issue 18), for what the JDK's SHA-256 and HMAC do in a few lines.
 */
final class SigV4 {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The key to sign with: an access key, its secret, and a session token (null if none). */
    record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", secret and token not shown]";
        }
    }

    private SigV4() {}

    /**
     * The headers to send: {@code headers} plus {@code Host}, {@code X-Amz-Date}, {@code
     * X-Amz-Security-Token} (with a session token) and {@code Authorization}. Names as given;
     * signed in lower case.
     */
    static Map<String, String> sign(
            String method,
            URI uri,
            Map<String, String> headers,
            byte[] body,
            Credentials credentials,
            String region,
            String service,
            Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String payloadHash = hex(sha256(body));
        Map<String, String> signed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signed.putAll(headers);
        signed.put("Host", host(uri));
        // Optional outside S3, sent and signed as the SDK's signer does.
        signed.put("X-Amz-Content-Sha256", payloadHash);
        signed.put("X-Amz-Date", amzDate);
        if (credentials.sessionToken() != null) {
            signed.put("X-Amz-Security-Token", credentials.sessionToken());
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        StringBuilder signedHeaders = new StringBuilder();
        for (Map.Entry<String, String> header : signed.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            canonicalHeaders
                    .append(name)
                    .append(':')
                    .append(trimAll(header.getValue()))
                    .append('\n');
            signedHeaders.append(signedHeaders.isEmpty() ? "" : ";").append(name);
        }
        String canonicalRequest =
                method
                        + '\n'
                        + canonicalPath(uri)
                        + '\n'
                        + '\n' // no query string
                        + canonicalHeaders
                        + '\n'
                        + signedHeaders
                        + '\n'
                        + payloadHash;
        String scope = date + '/' + region + '/' + service + "/aws4_request";
        String stringToSign =
                "AWS4-HMAC-SHA256\n"
                        + amzDate
                        + '\n'
                        + scope
                        + '\n'
                        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key =
                hmac(
                        ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8),
                        date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, stringToSign));
        signed.put(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                        + credentials.accessKeyId()
                        + '/'
                        + scope
                        + ", SignedHeaders="
                        + signedHeaders
                        + ", Signature="
                        + signature);
        return signed;
    }

    /** What an HTTP client sends as {@code Host}: the port only when it is not the scheme's own. */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean standard =
                port == -1
                        || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443)
                        || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80);
        return standard ? uri.getHost() : uri.getHost() + ':' + port;
    }

    /**
     * The path, each segment URI-encoded once more (all services but S3 sign the encoded path
     * encoded again); {@code /} when empty.
     */
    static String canonicalPath(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || c == '/') {
                out.append(c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(HEX[(b >> 4) & 0xf]))
                        .append(Character.toUpperCase(HEX[b & 0xf]));
            }
        }
        return out.toString();
    }

    /** Leading and trailing spaces removed, runs of spaces inside made one. */
    private static String trimAll(String value) {
        return value.trim().replaceAll(" +", " ");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        return HmacSha256.of(key, data.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
