package io.veryfikeys.aws;

import io.veryfikeys.lambda.Priming;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP client of every AWS call, which answers by itself while {@link Priming} runs on the
 * calling thread: a minimal, empty success in the service's protocol (JSON, or the query protocol's
 * XML for SNS). So a SnapStart priming hook takes an AWS call ({@link SignedCall}) through its
 * whole path, the answer's parsing included, without a byte on the network. Outside priming it
 * passes every request to the real client.
 */
public final class PrimingHttpClient implements SdkHttpClient {
    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    private static final AtomicInteger ANSWERED = new AtomicInteger();

    private final SdkHttpClient delegate;

    PrimingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!Priming.active()) {
            return delegate.prepareRequest(request);
        }
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(null);
        String contentType;
        String body;
        if (target != null) {
            contentType = "application/x-amz-json-1.1";
            String canned = Priming.answerFor(target);
            body =
                    canned != null
                            ? canned
                            : "AmazonSSM.GetParameter".equals(target)
                                    ? "{\"Parameter\":{\"Name\":\"priming\",\"Type\":\"String\",\"Value\":\"{\\\"consumers\\\":[]}\",\"Version\":1}}"
                                    : "{}";
        } else {
            contentType = "text/xml";
            String action = action(request);
            body =
                    "<"
                            + action
                            + "Response><"
                            + action
                            + "Result></"
                            + action
                            + "Result>"
                            + "<ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></"
                            + action
                            + "Response>";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                ANSWERED.incrementAndGet();
                return HttpExecuteResponse.builder()
                        .response(
                                SdkHttpResponse.builder()
                                        .statusCode(200)
                                        .putHeader("Content-Type", contentType)
                                        .putHeader("Content-Length", Integer.toString(bytes.length))
                                        .putHeader("x-amzn-RequestId", "priming")
                                        .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
                // nothing in flight
            }
        };
    }

    private static String action(HttpExecuteRequest request) {
        String form =
                request.contentStreamProvider()
                        .map(
                                provider -> {
                                    try (InputStream in = provider.newStream()) {
                                        return new String(
                                                in.readAllBytes(), StandardCharsets.UTF_8);
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                })
                        .orElse("");
        Matcher m = ACTION.matcher(form);
        return m.find() ? m.group(1) : "Priming";
    }

    /** How many requests were answered locally (tests). */
    public static int answered() {
        return ANSWERED.get();
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
