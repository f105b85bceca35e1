package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an AWS request says about itself without being parsed as its service would: the key it was
 * signed with, its operation and the resource it names. Enough for the stack's IAM and faults, for
 * the services the application uses (JSON ones by X-Amz-Target, SNS by its query Action).
 */
final class AwsRequests {
    private AwsRequests() {}

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
    private static final Pattern PRESIGNED_CREDENTIAL =
            Pattern.compile("X-Amz-Credential=([^%/&]+)");
    private static final Pattern SIGNING_SERVICE =
            Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/");
    private static final Pattern QUERY_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    private static final Pattern RESOURCE_FIELD =
            Pattern.compile(
                    "\"(?:SecretId|stateMachineArn|executionArn|resourceArn|TableName)\"\\s*:\\s*\"([^\"]+)\"");

    /**
     * The access key the request was signed with (Authorization header or presigned query); null if
     * none.
     */
    static String accessKey(HttpExchange ex) {
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        Matcher m =
                authorization != null
                        ? CREDENTIAL.matcher(authorization)
                        : PRESIGNED_CREDENTIAL.matcher(
                                String.valueOf(ex.getRequestURI().getRawQuery()));
        return m.find() ? m.group(1) : null;
    }

    static String sessionToken(HttpExchange ex) {
        return ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
    }

    /**
     * {@code <service>.<Action>}: the X-Amz-Target of JSON services, the signing service and Action
     * of query ones; null if neither.
     */
    static String operation(HttpExchange ex, byte[] body) {
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) return target;
        Matcher scope =
                SIGNING_SERVICE.matcher(
                        String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        Matcher action = QUERY_ACTION.matcher(new String(body, StandardCharsets.UTF_8));
        return scope.find() && action.find() ? scope.group(1) + "." + action.group(1) : null;
    }

    /** {@code service.Action} (signing service, action) to IAM's {@code prefix:Action}. */
    static String iamAction(String operation) {
        int dot = operation.indexOf('.');
        String service = operation.substring(0, dot).toLowerCase(Locale.ROOT);
        String action = operation.substring(dot + 1);
        String prefix =
                service.contains("secretsmanager")
                        ? "secretsmanager"
                        : service.equals("awsstepfunctions") || service.equals("states")
                                ? "states"
                                : service.equals("amazonssm")
                                        ? "ssm"
                                        : service.startsWith("dynamodb_")
                                                ? "dynamodb"
                                                : service.equals("amazonsqs")
                                                        ? "sqs"
                                                        : service.equals("awsevents")
                                                                ? "events"
                                                                : service;
        return prefix + ":" + action;
    }

    /** The resource a JSON request names, in the words of the denial message; {@code *} if none. */
    static String resourceOf(byte[] body) {
        Matcher m = RESOURCE_FIELD.matcher(new String(body, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "*";
    }
}
