package io.veryfikeys.cli;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's failures as one line that says what to do. The SDK's own messages name every provider
 * of its region and credentials chains (about 1,500 characters) and none of the fixes; an operator
 * at 3 a.m. needs the fix. {@code --debug} prints the whole cause instead.
 */
final class CliErrors {
    /** The longest error line without {@code --debug}. */
    static final int MAX_LINE = 200;

    static final String POLICIES = "README 'Who can do what'";

    /** What to print, and the exit code. */
    record Explained(int exitCode, String message) {}

    /** Where the failed call went: for the fix (local stack or AWS, which stack). */
    record Context(
            boolean local, String endpoint, String region, String profile, String stackName) {}

    private static final Set<String> EXPIRED =
            Set.of(
                    "ExpiredToken",
                    "ExpiredTokenException",
                    "RequestExpired",
                    "TokenRefreshRequired");
    private static final Set<String> UNKNOWN_KEY =
            Set.of(
                    "UnrecognizedClientException",
                    "InvalidClientTokenId",
                    "InvalidAccessKeyId",
                    "SignatureDoesNotMatch",
                    "IncompleteSignature",
                    "MissingAuthenticationToken",
                    "MissingAuthenticationTokenException");
    private static final Set<String> DENIED =
            Set.of(
                    "AccessDenied",
                    "AccessDeniedException",
                    "AuthorizationError",
                    "AuthorizationErrorException",
                    "UnauthorizedOperation");

    /**
     * AWS's denial text: "User: ARN is not authorized to perform: ACTION on resource: ARN [because
     * ...]".
     */
    private static final Pattern NOT_AUTHORIZED =
            Pattern.compile(
                    "not authorized to perform:?\\s*([A-Za-z0-9-]+:[A-Za-z0-9]+)(?:\\s+on resource:?\\s*(\\S+))?");

    private static final Pattern STACK_MISSING =
            Pattern.compile("Stack with id (\\S+) does not exist");

    private CliErrors() {}

    static Explained explain(Throwable error, Context where) {
        if (error instanceof CliException c) {
            return new Explained(c.exitCode(), line(c.getMessage()));
        }
        if (error instanceof AwsServiceException s) {
            return new Explained(ExitCodes.AWS_ERROR, line(service(s, where)));
        }
        if (error instanceof SdkClientException c) {
            return new Explained(ExitCodes.AWS_ERROR, line(client(c, where)));
        }
        return new Explained(
                ExitCodes.NOT_SUCCEEDED,
                line(error.getClass().getSimpleName() + ": " + error.getMessage()));
    }

    private static String service(AwsServiceException s, Context where) {
        String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
        String message =
                s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null
                        ? String.valueOf(s.getMessage())
                        : s.awsErrorDetails().errorMessage();
        String service = s.awsErrorDetails() == null ? "AWS" : s.awsErrorDetails().serviceName();
        if (code != null && EXPIRED.contains(code)) {
            return "your AWS credentials have expired: sign in again (aws sso login"
                    + profileFlag(where)
                    + ", or refresh the session in AWS_SESSION_TOKEN)";
        }
        if (code != null && UNKNOWN_KEY.contains(code)) {
            return (where.local() ? "the local stack" : "AWS")
                    + " does not accept these credentials ("
                    + code
                    + "): check --profile and AWS_ACCESS_KEY_ID, or run 'aws configure'"
                    + (where.local()
                            ? "; restart './run-demo --keep-running' for fresh local keys"
                            : "");
        }
        Matcher missingStack = STACK_MISSING.matcher(message);
        if (missingStack.find()) {
            return "stack "
                    + missingStack.group(1)
                    + " not found in "
                    + region(where)
                    + ": pass --stack-name (the name given to sam deploy) or --region";
        }
        if (code != null
                && (code.endsWith("NotFoundException")
                        || code.endsWith("DoesNotExist")
                        || code.equals("NotFound"))) {
            return service
                    + ": "
                    + message
                    + " (check the name"
                    + (where.local() ? "" : " and --region")
                    + ")";
        }
        if ((code != null && DENIED.contains(code)) || s.statusCode() == 403) {
            Matcher m = NOT_AUTHORIZED.matcher(message);
            String fix = "; grant it (policies for operators and responders: " + POLICIES + ")";
            if (!m.find()) {
                return "access denied: " + service + " " + code + fix;
            }
            String head = "access denied: " + m.group(1);
            if (m.group(2) == null) {
                return head + fix;
            }
            // A long ARN gives way before the fix does: its tail (the resource's name) is what
            // tells.
            int room =
                    MAX_LINE - "error: ".length() - head.length() - " on ".length() - fix.length();
            String resource = m.group(2);
            if (resource.length() > room) {
                resource = "..." + resource.substring(resource.length() - Math.max(10, room - 3));
            }
            return head + " on " + resource + fix;
        }
        return service
                + " refused the call ("
                + code
                + ", HTTP "
                + s.statusCode()
                + "; --debug shows the whole cause): "
                + message;
    }

    private static String client(SdkClientException c, Context where) {
        String message = String.valueOf(c.getMessage());
        if (message.startsWith("Unable to load region")) {
            return "no AWS region: pass --region (e.g. --region eu-west-1) or set AWS_REGION"
                    + (where.profile() == null
                            ? ""
                            : ", or set region in profile " + where.profile());
        }
        if (where.profile() != null && message.startsWith("Unable to load credentials")) {
            return "profile "
                    + where.profile()
                    + " gives no credentials: check the name in ~/.aws/config, run"
                    + " 'aws sso login --profile "
                    + where.profile()
                    + "' or 'aws configure --profile "
                    + where.profile()
                    + "'";
        }
        if (message.startsWith("Unable to load credentials")) {
            return "no AWS credentials: pass --profile NAME, run 'aws configure', or 'aws sso login --profile NAME'";
        }
        Throwable network = networkCause(c);
        if (network != null) {
            String target = where.endpoint() != null ? where.endpoint() : "AWS in " + region(where);
            return "cannot reach "
                    + target
                    + " ("
                    + network.getClass().getSimpleName()
                    + "): "
                    + (where.local()
                            ? "is the local stack running? start it with './run-demo --keep-running'"
                            : "check the network or proxy, --region, and --endpoint if set");
        }
        return "AWS call failed (--debug shows the whole cause): " + message;
    }

    private static Throwable networkCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof UnknownHostException
                    || c instanceof NoRouteToHostException
                    || c instanceof SocketTimeoutException
                    || c instanceof HttpTimeoutException) {
                return c;
            }
        }
        return null;
    }

    private static String profileFlag(Context where) {
        return where.profile() == null ? "" : " --profile " + where.profile();
    }

    private static String region(Context where) {
        return where.region() == null ? "the default region" : where.region();
    }

    /** The message with its line breaks folded into spaces. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** One line, at most {@link #MAX_LINE} characters with the "error: " prefix. */
    static String line(String message) {
        String one = oneLine(message);
        int room = MAX_LINE - "error: ".length();
        if (one.length() <= room) {
            return one;
        }
        String more = "... (--debug for all)";
        return one.substring(0, room - more.length()).trim() + more;
    }
}
