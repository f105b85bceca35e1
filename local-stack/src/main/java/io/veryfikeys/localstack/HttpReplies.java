package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The replies the endpoint writes, shared so that every error of one protocol looks the same to the
 * SDK.
 */
final class HttpReplies {
    private HttpReplies() {}

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        // HttpServer refuses a body on 204/304, and a declared length of 0 would mean "chunked"
        boolean noBody = body.length == 0 || status == 204 || status == 304;
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    static void sendText(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, text.getBytes(StandardCharsets.UTF_8));
    }

    static void sendJson(HttpExchange ex, int status, byte[] json) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, status, json);
    }

    /**
     * Lambda's REST errors: the SDK reads the error type from the header, the message from the JSON
     * body.
     */
    static void sendLambdaError(HttpExchange ex, int status, String errorType, byte[] json)
            throws IOException {
        ex.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        sendJson(ex, status, json);
    }

    /**
     * An error of a JSON-protocol service (Secrets Manager, Step Functions, SSM), as the SDK parses
     * it.
     */
    static void sendAwsJsonError(HttpExchange ex, int status, String errorCode, String message)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().set("x-amzn-ErrorType", errorCode);
        sendText(ex, status, "{\"__type\":\"" + errorCode + "\",\"message\":\"" + message + "\"}");
    }

    /**
     * 403 in the protocol of the request: query services (form body) in XML, JSON services by
     * x-amzn-ErrorType.
     */
    static void forbidden(HttpExchange ex, String queryCode, String jsonCode, String message)
            throws IOException {
        sendAwsError(ex, 403, queryCode, jsonCode, message);
    }

    /**
     * An AWS error in the protocol of the request, as the service would send it: a query service
     * (form body: SNS) answers {@code <ErrorResponse><Error><Code>} XML
     * (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html), a JSON service {@code __type}
     * and x-amzn-ErrorType.
     */
    static void sendAwsError(
            HttpExchange ex, int status, String queryCode, String jsonCode, String message)
            throws IOException {
        String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            sendText(
                    ex,
                    status,
                    "<ErrorResponse><Error><Type>"
                            + (status >= 500 ? "Receiver" : "Sender")
                            + "</Type><Code>"
                            + queryCode
                            + "</Code><Message>"
                            + message
                            + "</Message></Error><RequestId>"
                            + UUID.randomUUID()
                            + "</RequestId></ErrorResponse>");
        } else {
            sendAwsJsonError(ex, status, jsonCode, message);
        }
    }
}
