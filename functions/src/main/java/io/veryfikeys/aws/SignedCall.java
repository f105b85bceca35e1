package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.lambda.InvocationDeadline;
import io.veryfikeys.lambda.Priming;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsCallTimeouts;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One SigV4-signed call to an AWS service, in its JSON protocol (Secrets Manager, Step Functions,
 * SSM, DynamoDB, EventBridge) or its query protocol (SNS), sent with one signer, one credentials
 * provider and one HTTP client ({@link AwsClients}). It stands in for the SDK's service clients,
 * whose classes made a function's first invocation without SnapStart 10-12× a hello-world
 * function's (issue 18), and whose jars were most of the deployable (issue 7). What an SDK client
 * would add is done here: the standard endpoint resolution (service metadata for the region, the
 * {@code AWS_ENDPOINT_URL_<SERVICE>} / {@code AWS_ENDPOINT_URL} overrides and their {@code
 * aws.endpointUrl*} system properties, FIPS and dual-stack), retries with jitter on throttling, 5xx
 * and I/O errors within the invocation's deadline, one {@code aws.call} log line, and errors that
 * say what was asked and what AWS answered.
 */
final class SignedCall {
    static final int MAX_ATTEMPTS = 3;
    private static final Set<String> THROTTLING =
            Set.of(
                    "ThrottlingException",
                    "Throttling",
                    "TooManyRequestsException",
                    "RequestLimitExceeded",
                    "RequestThrottledException",
                    "ProvisionedThroughputExceededException",
                    // SNS (query protocol; HTTP 429 too)
                    "Throttled");

    private static final Log log = Log.get(SignedCall.class);

    /**
     * A service as the call needs it: its name in logs (the SDK's service name, {@code Ssm}), its
     * signing name ({@code ssm}), its protocol's content type, and its JSON target prefix ({@code
     * AmazonSSM.}; null for a query-protocol service, whose action is in the form body).
     */
    record Service(String name, String signingName, String contentType, String targetPrefix) {
        static Service json(String name, String signingName, String version, String prefix) {
            return new Service(name, signingName, "application/x-amz-json-" + version, prefix);
        }

        static Service query(String name, String signingName) {
            return new Service(
                    name, signingName, "application/x-www-form-urlencoded; charset=utf-8", null);
        }

        boolean isQuery() {
            return targetPrefix == null;
        }
    }

    /**
     * What AWS answered: HTTP status (-1: no answer), error code, message, body (an empty object
     * when there was none, or the answer was XML) and, for a query-protocol service, the XML.
     */
    record Answer(
            int status,
            String errorType,
            String message,
            JsonNode body,
            String xml,
            long wireNanos) {}

    private final Service service;
    private final AwsTransport http;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Region region;
    private final URI uri;
    private final long backoffBaseMillis;
    private final Duration attemptBound;
    private final Duration callBound;

    SignedCall(
            Service service,
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis) {
        this(
                service,
                http,
                credentials,
                region,
                endpoint,
                backoffBaseMillis,
                AwsCallTimeouts.ATTEMPT,
                AwsCallTimeouts.CALL);
    }

    /**
     * With other bounds than {@link AwsCallTimeouts}'s, for tests: {@code attemptBound} is what one
     * attempt may take at most (the HTTP client's connect and read timeouts), {@code callBound}
     * what the call may take with its retries.
     */
    SignedCall(
            Service service,
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis,
            Duration attemptBound,
            Duration callBound) {
        this.service = service;
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        // An endpoint without a path is posted to "/".
        this.uri =
                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                        ? endpoint.resolve("/")
                        : endpoint;
        this.backoffBaseMillis = backoffBaseMillis;
        this.attemptBound = attemptBound;
        this.callBound = callBound;
    }

    /**
     * Sends {@code operation} with {@code body}, retrying what may be retried. Returns AWS's
     * answer: 200, or an error that retrying would not change (the caller says what it means).
     * {@code what} names the call in errors ({@code SSM GetParameter /x}); {@code logged} adds
     * fields to the log line.
     *
     * @throws AwsUnavailableException when AWS did not answer usefully within the attempts or the
     *     invocation's time
     */
    Answer call(String operation, String what, byte[] body, Object... logged) {
        long started = System.nanoTime();
        long wire = 0;
        if (!InvocationDeadline.mayStart(attemptBound)) {
            throw new AwsUnavailableException(
                    what
                            + " not sent: less than "
                            + attemptBound.toSeconds()
                            + " s left before the function's timeout",
                    null);
        }
        for (int attempt = 1; ; attempt++) {
            Answer answer;
            long sent = System.nanoTime();
            try {
                answer = send(operation, body);
            } catch (IOException e) {
                answer =
                        new Answer(
                                -1,
                                "IOException",
                                e.getClass().getSimpleName(),
                                JsonTree.object(),
                                null,
                                System.nanoTime() - sent);
            }
            wire += answer.wireNanos();
            boolean retryable =
                    answer.status() < 0
                            || answer.status() >= 500
                            || answer.status() == 429
                            || (answer.errorType() != null
                                    && THROTTLING.contains(answer.errorType()));
            boolean done = answer.status() == 200 || !retryable;
            long delay =
                    ThreadLocalRandom.current().nextLong(backoffBaseMillis << (attempt - 1)) + 1;
            Duration next = attemptBound.plusMillis(delay);
            String givenUp = done ? null : whyNotAgain(attempt, started, next);
            if ((done || givenUp != null) && !Priming.active()) {
                List<Object> fields = new ArrayList<>(List.of(logged));
                fields.addAll(
                        List.of(
                                "status",
                                answer.status(),
                                "outcome",
                                answer.status() == 200 ? "ok" : answer.errorType(),
                                "attempts",
                                attempt,
                                "durationMs",
                                (System.nanoTime() - started) / 1_000_000,
                                "wireMs",
                                wire / 1_000_000));
                fields.addAll(0, List.of("service", service.name(), "operation", operation));
                log.info("aws.call", fields.toArray());
            }
            if (done) {
                return answer;
            }
            if (givenUp != null) {
                throw new AwsUnavailableException(
                        failure(what, answer) + ", after " + attempt + " attempts" + givenUp, null);
            }
            sleep(delay, what);
        }
    }

    /**
     * Why a retryable failure is not tried again ("" after the last attempt), or null if it is:
     * another attempt, its backoff included, must end within the call's bound and the invocation's
     * time.
     */
    private String whyNotAgain(int attempt, long started, Duration next) {
        if (attempt == MAX_ATTEMPTS) {
            return "";
        }
        if (Duration.ofNanos(System.nanoTime() - started).plus(next).compareTo(callBound) > 0) {
            return " (another could outlast the call's " + callBound.toMillis() + " ms bound)";
        }
        if (!InvocationDeadline.allows(next)) {
            return " (no time left in this invocation for another)";
        }
        return null;
    }

    /** AWS's refusal of the call, its error code kept for the caller that gives it a meaning. */
    static AwsCallFailedException refused(String what, Answer answer) {
        return new AwsCallFailedException(failure(what, answer), answer.errorType());
    }

    /** {@code <what> failed: <error> (HTTP <status>): <message>}. */
    static String failure(String what, Answer answer) {
        return what
                + " failed: "
                + answer.errorType()
                + (answer.status() > 0 ? " (HTTP " + answer.status() + ")" : "")
                + (answer.message() == null ? "" : ": " + answer.message());
    }

    private Answer send(String operation, byte[] body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", service.contentType());
        if (!service.isQuery()) {
            headers.put("X-Amz-Target", service.targetPrefix() + operation);
        }
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        Map<String, String> signed =
                SigV4.sign(
                        "POST",
                        uri,
                        headers,
                        body,
                        new SigV4.Credentials(
                                identity.accessKeyId(),
                                identity.secretAccessKey(),
                                identity instanceof AwsSessionCredentialsIdentity session
                                        ? session.sessionToken()
                                        : null),
                        region.id(),
                        service.signingName(),
                        Instant.now());
        // Sent, not signed: AWS's signers leave the User-Agent out too.
        signed.put("User-Agent", "veryfi-key-rotation");
        long sent = System.nanoTime();
        AwsTransport.Response response = http.send(uri, signed, body);
        int status = response.status();
        byte[] bytes = response.body();
        long wireNanos = System.nanoTime() - sent;
        if (service.isQuery()) {
            return queryAnswer(status, new String(bytes, StandardCharsets.UTF_8), wireNanos);
        }
        JsonNode json = parse(bytes);
        if (status == 200 && json == null) {
            // A success we cannot read must not pass for an empty one (a page of secrets read as
            // no secrets): it fails like a broken connection, and is tried again.
            throw new IOException("the answer to " + operation + " is not JSON");
        }
        if (json == null) {
            json = JsonTree.object();
        }
        if (status == 200) {
            return new Answer(status, null, null, json, null, wireNanos);
        }
        String type =
                response.errorType() != null
                        ? response.errorType()
                        : json.path("__type").asText("HTTP" + status);
        JsonNode message = json.has("message") ? json.get("message") : json.get("Message");
        return new Answer(
                status,
                errorCode(type),
                message == null ? null : message.asText(),
                json,
                null,
                wireNanos);
    }

    /**
     * A query-protocol answer: XML, whose error is {@code
     * <Error><Code>…</Code><Message>…</Message>}
     * (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
     */
    static Answer queryAnswer(int status, String xml, long wireNanos) {
        if (status == 200) {
            return new Answer(status, null, null, JsonTree.object(), xml, wireNanos);
        }
        String code = xmlElement(xml, "Code");
        return new Answer(
                status,
                code == null ? "HTTP" + status : code,
                xmlElement(xml, "Message"),
                JsonTree.object(),
                xml,
                wireNanos);
    }

    /**
     * The text of the first {@code <name>} element of an AWS answer, unescaped; null if there is
     * none. AWS's query answers are flat enough for this, and it keeps an XML parser's classes out
     * of the cold start.
     */
    static String xmlElement(String xml, String name) {
        String open = "<" + name + ">";
        int from = xml.indexOf(open);
        if (from < 0) {
            return null;
        }
        int to = xml.indexOf("</" + name + ">", from);
        if (to < 0) {
            return null;
        }
        return xml.substring(from + open.length(), to)
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** {@code com.amazonaws.ssm#ParameterNotFound:http://...} → {@code ParameterNotFound}. */
    static String errorCode(String type) {
        String code = type.substring(type.lastIndexOf('#') + 1);
        int colon = code.indexOf(':');
        return colon < 0 ? code : code.substring(0, colon);
    }

    /** The answer's JSON: an empty object for an empty answer, null if it is not JSON. */
    private static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return JsonTree.object();
        }
        try {
            JsonNode node = JsonTree.parse(bytes);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The endpoint the SDK would use for the service: a configured override (service-specific
     * first, then the global one; environment, then system property), else the region's endpoint
     * from the SDK's service metadata, with the FIPS / dual-stack variant when Lambda's environment
     * asks.
     *
     * @param envName the service's part of the override variables ({@code SSM}, {@code DYNAMODB})
     * @param propertyName the same in the system properties ({@code Ssm}, {@code DynamoDb})
     */
    static URI endpoint(Region region, String endpointId, String envName, String propertyName) {
        for (String name :
                new String[] {
                    "AWS_ENDPOINT_URL_" + envName,
                    "aws.endpointUrl" + propertyName,
                    "AWS_ENDPOINT_URL",
                    "aws.endpointUrl"
                }) {
            String value = name.startsWith("aws.") ? System.getProperty(name) : System.getenv(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return URI.create(
                "https://"
                        + Endpoints.host(
                                endpointId,
                                region,
                                flag("AWS_USE_FIPS_ENDPOINT", "aws.useFipsEndpoint"),
                                flag("AWS_USE_DUALSTACK_ENDPOINT", "aws.useDualstackEndpoint")));
    }

    private static boolean flag(String env, String property) {
        String value = System.getenv(env);
        return Boolean.parseBoolean(
                value != null ? value.trim() : System.getProperty(property, "false").trim());
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsUnavailableException("interrupted while waiting to retry " + what, e);
        }
    }
}
