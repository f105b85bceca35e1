package io.veryfikeys.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link HttpURLConnection}, the one HTTP stack of the functions: AWS calls ({@code
 * aws.UrlConnectionAwsTransport}), Veryfi and the consumer health checks use it the same way.
 * Building the JDK's {@code java.net.http.HttpClient} cost 330-560 ms of every cold start, and the
 * SDK's url-connection client some 250 ms.
 */
public final class UrlConnections {
    private UrlConnections() {}

    /**
     * A connection (not yet connected) with both timeouts, following no redirect, caching nothing.
     */
    public static HttpURLConnection open(URI uri, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(millis(connectTimeout));
        connection.setReadTimeout(millis(readTimeout));
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        return connection;
    }

    /**
     * The answer's body (the error body from 400 on, "" if there is none), at most {@code
     * maxBytes}. Each read is bounded by the read timeout; the whole body by {@code timeout} from
     * {@code startedNanos}.
     */
    public static String body(
            HttpURLConnection connection,
            int status,
            long startedNanos,
            Duration timeout,
            int maxBytes)
            throws IOException {
        return new String(
                bytes(connection, status, startedNanos, timeout, maxBytes), StandardCharsets.UTF_8);
    }

    /** {@link #body}'s bytes, not decoded. */
    public static byte[] bytes(
            HttpURLConnection connection,
            int status,
            long startedNanos,
            Duration timeout,
            int maxBytes)
            throws IOException {
        InputStream stream =
                status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (stream == null) {
            return new byte[0];
        }
        long deadline = startedNanos + timeout.toNanos();
        try (InputStream in = stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n;
                    out.size() < maxBytes
                            && (n =
                                            in.read(
                                                    buffer,
                                                    0,
                                                    Math.min(buffer.length, maxBytes - out.size())))
                                    >= 0; ) {
                out.write(buffer, 0, n);
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException(
                            "no complete response within " + timeout.toMillis() + " ms");
                }
            }
            return out.toByteArray();
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }
}
