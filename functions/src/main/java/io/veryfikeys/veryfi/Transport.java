package io.veryfikeys.veryfi;

import java.io.IOException;
import java.net.http.HttpRequest;

/**
 * One HTTP exchange, no retries. The real one is {@link HttpTransport}; unit tests substitute a
 * fake to drive the retry and classification logic without a network.
 */
interface Transport {
    /**
     * Sends the request and waits at most {@code request.timeout()} for the complete response.
     *
     * @throws IOException any failure to get a response (connect refused, reset, timeout, ...)
     */
    Reply send(HttpRequest request) throws IOException, InterruptedException;

    /** What came back; headers reduced to the two the client reads. */
    record Reply(int status, String body, String traceId, String retryAfter) {
        @Override
        public String toString() {
            // Never the body: on create/reset it holds key values.
            return "Reply[status=" + status + ", traceId=" + traceId + ", retryAfter=" + retryAfter + "]";
        }
    }
}
