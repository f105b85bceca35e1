package io.veryfikeys.support;

import java.time.Duration;

/**
 * The bounds on every AWS call the functions make, in a class of their own so that reading them
 * builds no client. Without them a call is bounded only by the socket timeout per read, times its
 * three attempts, and a step could outlast its function's timeout (see {@code
 * lambda.InvocationDeadline}, and RetryBudgetTemplateTest, which checks these figures against every
 * function's Timeout in template.yaml).
 */
public final class AwsCallTimeouts {
    /**
     * The shared HTTP client's connect timeout ({@code aws.AwsClients}; {@code aws.SsmParameters}
     * uses the same client).
     */
    public static final Duration CONNECT = Duration.ofSeconds(3);

    /**
     * Per read, not per response: an answer that stops coming ends the attempt after this long.
     * Every service we call answers in tens of milliseconds.
     */
    public static final Duration SOCKET = Duration.ofSeconds(4);

    /**
     * The longest one attempt of an AWS call ({@code aws.SignedCall}) takes when the network fails
     * it: connect, then a read that waits no longer than {@link #SOCKET}. (An answer trickling in a
     * byte at a time could hold a read longer; no AWS endpoint answers so.)
     */
    public static final Duration ATTEMPT = CONNECT.plus(SOCKET);

    /**
     * One AWS call with its retries: no attempt starts that could end past it. Failures that come
     * back at once (throttling, 5xx) are tried three times; an attempt that timed out leaves no
     * room for another, and the state machine runs the step again in a fresh invocation.
     */
    public static final Duration CALL = Duration.ofSeconds(10);

    private AwsCallTimeouts() {}
}
