package io.veryfikeys.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

public class InvocationDeadlineTest {
    /** A Lambda context that only knows how much time is left. */
    public static Context remaining(long millis) {
        return new Context() {
            public String getAwsRequestId() {
                return "test";
            }

            public String getLogGroupName() {
                return null;
            }

            public String getLogStreamName() {
                return null;
            }

            public String getFunctionName() {
                return "test";
            }

            public String getFunctionVersion() {
                return "1";
            }

            public String getInvokedFunctionArn() {
                return null;
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return (int) millis;
            }

            public int getMemoryLimitInMB() {
                return 1024;
            }

            public LambdaLogger getLogger() {
                return null;
            }
        };
    }

    @AfterEach
    void end() {
        InvocationDeadline.end();
    }

    @Test
    void withoutAContextThereIsNoDeadline() {
        InvocationDeadline.begin(null);
        assertThat(InvocationDeadline.allows(Duration.ofHours(1))).isTrue();
        assertThat(InvocationDeadline.mayStart(Duration.ofHours(1))).isTrue();
    }

    /**
     * Time left in the invocation -> may a retry of this length go ahead, may a call with this
     * bound start.
     */
    @ParameterizedTest(
            name = "{0} ms left: retry of {1} s allowed {2}; call of {3} s may start {4}")
    @CsvSource({
        "90000,  40, true,  10, true", // a fresh 90 s invocation: 60 s for retries
        "90000,  61, false, 10, true", // ...not 61
        "45000,  14, true,  10, true", // the reset drill in ResetTest: 15 s for retries
        "45000,  16, false, 10, true",
        "31500,   1, true,  10, true", // at the reserve's edge: 1.5 s of retries left
        "20000,   0, false, 10, true", // inside the reserve: no retry, but the alert may still go
        "12500,   0, false, 10, true", // 10 s call + 2 s safety still fit
        "11000,   0, false, 10, false", // they do not: refused, retryably
        "1000,    0, false, 10, false",
    })
    void retriesStopAtTheReserveAndCallsAtTheirOwnBound(
            long leftMillis,
            long retrySeconds,
            boolean retryAllowed,
            long callSeconds,
            boolean callMayStart) {
        InvocationDeadline.begin(remaining(leftMillis));
        assertThat(InvocationDeadline.allows(Duration.ofSeconds(retrySeconds)))
                .isEqualTo(retryAllowed);
        assertThat(InvocationDeadline.mayStart(Duration.ofSeconds(callSeconds)))
                .isEqualTo(callMayStart);
    }
}
