package io.veryfikeys.veryfi;

import io.veryfikeys.support.UrlConnections;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link Transport} over {@link HttpURLConnection} (see {@link UrlConnections}).
 *
 * <p>Two details keep the create/reset safety rule of {@link VeryfiKeysClient} true:
 *
 * <ul>
 *   <li>the connection is opened on its own first, so a failure there, and only there, is a {@link
 *       ConnectException} ("surely not sent");
 *   <li>a POST always streams its body with a fixed length, which stops HttpURLConnection from
 *       silently sending it a second time after a dropped keep-alive connection.
 * </ul>
 */
final class UrlConnectionTransport implements Transport {
    private final Duration connectTimeout;

    UrlConnectionTransport(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Reply send(Request request) throws IOException {
        long started = System.nanoTime();
        HttpURLConnection connection =
                UrlConnections.open(request.uri(), connectTimeout, request.timeout());
        connection.setRequestMethod(request.method());
        request.headers().forEach(connection::setRequestProperty);
        byte[] body =
                request.body() == null
                        ? new byte[0]
                        : request.body().getBytes(StandardCharsets.UTF_8);
        boolean sendsBody = request.body() != null || "POST".equals(request.method());
        if (sendsBody) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
        }
        try {
            connection.connect();
        } catch (IOException e) {
            ConnectException notSent =
                    new ConnectException(
                            "could not connect: "
                                    + e.getClass().getSimpleName()
                                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            notSent.initCause(e);
            throw notSent;
        }
        try {
            if (sendsBody) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            String text =
                    UrlConnections.body(
                            connection, status, started, request.timeout(), Integer.MAX_VALUE);
            return new Reply(
                    status,
                    text,
                    connection.getHeaderField("x-veryfi-trace-id"),
                    connection.getHeaderField("Retry-After"));
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }
}
