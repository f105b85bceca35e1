package io.veryfikeys.veryfi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link Transport} over the JDK's {@link HttpURLConnection}, the HTTP stack the AWS SDK's
 * url-connection client already loads: building the JDK's {@code java.net.http.HttpClient} as
 * well cost 330-560 ms of every cold start (issue 7's benchmark, "client.built veryfi-http").
 *
 * <p>Two details keep the create/reset safety rule of {@link VeryfiKeysClient} true:
 * <ul>
 *   <li>the connection is opened on its own first, so a failure there, and only there, is a
 *       {@link ConnectException} ("surely not sent");</li>
 *   <li>a POST always streams its body with a fixed length, which stops HttpURLConnection from
 *       silently sending it a second time after a dropped keep-alive connection.</li>
 * </ul>
 */
final class UrlConnectionTransport implements Transport {
    private final int connectTimeoutMillis;

    UrlConnectionTransport(Duration connectTimeout) {
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
    }

    @Override
    public Reply send(Request request) throws IOException {
        long timeoutMillis = Math.max(1, request.timeout().toMillis());
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        HttpURLConnection connection = (HttpURLConnection) request.uri().toURL().openConnection();
        connection.setConnectTimeout(connectTimeoutMillis);
        connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(request.method());
        request.headers().forEach(connection::setRequestProperty);
        byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
        boolean sendsBody = request.body() != null || "POST".equals(request.method());
        if (sendsBody) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
        }
        try {
            connection.connect();
        } catch (IOException e) {
            ConnectException notSent = new ConnectException("could not connect: " + e.getClass().getSimpleName()
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
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = in == null ? "" : read(in, deadline, timeoutMillis);
            return new Reply(status, text, connection.getHeaderField("x-veryfi-trace-id"),
                    connection.getHeaderField("Retry-After"));
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    /** Each read is bounded by the read timeout; the whole body by the request's deadline. */
    private static String read(InputStream in, long deadline, long timeoutMillis) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("no complete response within " + timeoutMillis + " ms");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
