package io.veryfikeys.aws;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * One HTTP exchange of an AWS call, no retries: the signed request out; the status, the error-type
 * header and the body back. The real one is {@link UrlConnectionAwsTransport}; while a SnapStart
 * priming hook runs, {@link PrimingTransport} answers instead.
 */
public interface AwsTransport {
    /** What came back; {@code errorType} is the {@code x-amzn-ErrorType} header, or null. */
    record Response(int status, String errorType, byte[] body) {}

    /** POSTs {@code body} to {@code uri} with {@code headers} (signed, {@code Host} among them). */
    Response send(URI uri, Map<String, String> headers, byte[] body) throws IOException;
}
