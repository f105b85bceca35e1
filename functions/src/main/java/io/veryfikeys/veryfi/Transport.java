package io.veryfikeys.veryfi;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP exchange, no retries. The real one is {@link UrlConnectionTransport}; unit tests
 * substitute a fake to drive the retry and classification logic without a network.
 */
interface Transport {
    /**
     * Sends the request and waits at most {@code request.timeout()} for the complete response.
     *
     * @throws java.net.ConnectException when no connection could be made: the request surely did
     *     not leave
     * @throws IOException any other failure to get a response (reset, timeout, ...): it may have
     *     been performed
     */
    Reply send(Request request) throws IOException, InterruptedException;

    /** What to send. Headers are matched case-insensitively, as HTTP does. */
    record Request(
            String method, URI uri, Map<String, String> headers, String body, Duration timeout) {
        public Request {
            Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            copy.putAll(headers);
            headers = java.util.Collections.unmodifiableMap(copy);
        }

        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String toString() {
            // Never the headers (AUTHORIZATION holds a key) nor the body.
            return "Request[" + method + " " + uri + "]";
        }
    }

    /** What came back; headers reduced to the two the client reads. */
    record Reply(int status, String body, String traceId, String retryAfter) {
        @Override
        public String toString() {
            // Never the body: on create/reset it holds key values.
            return "Reply[status="
                    + status
                    + ", traceId="
                    + traceId
                    + ", retryAfter="
                    + retryAfter
                    + "]";
        }
    }
}
