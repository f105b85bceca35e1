package io.veryfikeys.aws;

import io.veryfikeys.support.UrlConnections;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@link AwsTransport} over {@link HttpURLConnection} ({@link UrlConnections}), the stack Veryfi's
 * calls use too. It replaces the SDK's url-connection client, whose configuration defaults, proxy
 * discovery and logging set-up cost some 250 ms of a first invocation without SnapStart (issue 18).
 * Each read waits at most {@code readTimeout}, and the whole answer at most {@code answerTimeout}
 * from the request's start; the connection is kept alive for the next call once its answer is read
 * to the end.
 */
final class UrlConnectionAwsTransport implements AwsTransport {
    /** Larger than any answer we ask for: a page of 100 secrets' tags, or of 100 history events. */
    static final int MAX_ANSWER_BYTES = 8 << 20;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration answerTimeout;

    UrlConnectionAwsTransport(
            Duration connectTimeout, Duration readTimeout, Duration answerTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.answerTimeout = answerTimeout;
    }

    @Override
    public Response send(URI uri, Map<String, String> headers, byte[] body) throws IOException {
        long started = System.nanoTime();
        HttpURLConnection connection = UrlConnections.open(uri, connectTimeout, readTimeout);
        connection.setRequestMethod("POST");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            // HttpURLConnection sets these itself, from the URL and the fixed length below: the
            // same values that were signed (SigV4.host).
            if (!header.getKey().equalsIgnoreCase("Host")
                    && !header.getKey().equalsIgnoreCase("Content-Length")) {
                connection.setRequestProperty(header.getKey(), header.getValue());
            }
        }
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        byte[] answer =
                UrlConnections.bytes(
                        connection, status, started, answerTimeout, MAX_ANSWER_BYTES + 1);
        if (answer.length > MAX_ANSWER_BYTES) {
            // Cut short, it would read as a shorter answer (or as none): fail it instead.
            throw new IOException("the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        return new Response(status, connection.getHeaderField("x-amzn-ErrorType"), answer);
    }
}
