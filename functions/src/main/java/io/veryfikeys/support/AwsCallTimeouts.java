package io.veryfikeys.support;

import java.time.Duration;

/**
 * The bounds on every AWS call the functions make, in a class of their own so that reading them
 * builds no client. Without them an SDK call is bounded only by the socket timeout per read, times
 * the SDK's three attempts, and a step could outlast its function's timeout (see {@code
 * lambda.InvocationDeadline}, and RetryBudgetTemplateTest, which checks these figures against every
 * function's Timeout in template.yaml).
 */
public final class AwsCallTimeouts {
    /**
     * The shared HTTP client's connect timeout ({@code aws.AwsClients}; {@code aws.SsmParameters}
     * uses the same client).
     */
    public static final Duration CONNECT = Duration.ofSeconds(3);

    /** Per read, not per response. */
    public static final Duration SOCKET = Duration.ofSeconds(10);

    /**
     * One SDK attempt, and one SDK call with its retries. Secrets Manager, SNS and Step Functions
     * answer in tens of milliseconds; 4 s per attempt leaves room for a slow answer and a retry.
     */
    public static final Duration SDK_ATTEMPT = Duration.ofSeconds(4);

    public static final Duration SDK_CALL = Duration.ofSeconds(10);

    /**
     * One attempt of a hand-signed call ({@code aws.SignedJsonCall}: SSM GetParameter, DynamoDB
     * BatchGetItem; not SDK clients): connect, then its one small read.
     */
    public static final Duration SIGNED_CALL_ATTEMPT = CONNECT.plus(SOCKET);

    private AwsCallTimeouts() {}
}
