package io.veryfikeys.aws;

import io.veryfikeys.lambda.Priming;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transport of every AWS call, which answers by itself while {@link Priming} runs on the
 * calling thread: a minimal, empty success in the service's protocol (JSON, or the query protocol's
 * XML for SNS), or the canned answer {@link Priming#answering} gives. So a SnapStart priming hook
 * takes an AWS call ({@link SignedCall}) through its whole path, the answer's parsing included,
 * without a byte on the network. Outside priming it passes every request to the real transport.
 */
public final class PrimingTransport implements AwsTransport {
    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    private static final AtomicInteger ANSWERED = new AtomicInteger();

    private final AwsTransport delegate;

    PrimingTransport(AwsTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public Response send(URI uri, Map<String, String> headers, byte[] body) throws IOException {
        if (!Priming.active()) {
            return delegate.send(uri, headers, body);
        }
        String target = headers.get("X-Amz-Target");
        String answer;
        if (target != null) {
            String canned = Priming.answerFor(target);
            answer =
                    canned != null
                            ? canned
                            : "AmazonSSM.GetParameter".equals(target)
                                    ? "{\"Parameter\":{\"Name\":\"priming\",\"Type\":\"String\",\"Value\":\"{\\\"consumers\\\":[]}\",\"Version\":1}}"
                                    : "{}";
        } else {
            Matcher m = ACTION.matcher(new String(body, StandardCharsets.UTF_8));
            String action = m.find() ? m.group(1) : "Priming";
            answer =
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
        ANSWERED.incrementAndGet();
        return new Response(200, null, answer.getBytes(StandardCharsets.UTF_8));
    }

    /** How many requests were answered locally (tests). */
    public static int answered() {
        return ANSWERED.get();
    }
}
