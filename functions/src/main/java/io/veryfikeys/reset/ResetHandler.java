package io.veryfikeys.reset;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.rotation.DeployedRotation;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Metrics;
import io.veryfikeys.support.Metrics.Metric;
import io.veryfikeys.veryfi.RequestBudget;

import java.time.Duration;
import java.util.Map;

/**
 * The incident reset, invoked by a person from the Lambda console or {@code aws lambda invoke}; see
 * the README's incident runbook. The work is in {@link AccountReset}.
 */
public final class ResetHandler extends StepHandler<ResetRequest, Map<String, Object>> {
    private static final AccountReset RESET =
            new AccountReset(
                    DeployedRotation.ports(),
                    Env.require("ROTATION_STATE_MACHINE_ARN"),
                    new ResetSettings(
                            AwsClients::ssmParameters, Env.get("RESET_SETTINGS_PARAMETER", null)),
                    new AccountReset.StoreRetry(
                            Duration.ofMillis(
                                    Long.parseLong(Env.get("STORE_RETRY_BASE_MILLIS", "500"))),
                            Integer.parseInt(Env.get("STORE_ATTEMPTS", "8"))));

    public ResetHandler() {
        super(
                ResetRequest.class,
                true,
                ResetPriming::prime); // a person types it: a misspelt field is refused
    }

    @Override
    protected Map<String, Object> handle(ResetRequest input, Context context) {
        // An incident reset is never paced behind a fleet run (README: Veryfi's rate limit), even
        // where a rotation step ran on this thread before (the local stack's in-process mode).
        RequestBudget.use(null);
        String invocationId = context == null ? null : context.getAwsRequestId();
        if (invocationId == null && (input == null || input.idempotencyToken() == null)) {
            throw new InvalidInputException("idempotencyToken is required outside Lambda");
        }
        // Lambda does not tell a function who invoked it; the request id leads to the
        // principal in CloudTrail's Invoke event.
        String invokedBy =
                context == null
                        ? "unknown"
                        : "Lambda request "
                                + context.getAwsRequestId()
                                + " of "
                                + context.getInvokedFunctionArn()
                                + " (the caller is in CloudTrail's Invoke event)";
        try {
            Map<String, Object> result = RESET.reset(input, invocationId, invokedBy);
            Metrics.put(
                    Metric.RESETS,
                    1,
                    String.valueOf(result.get("secretId")),
                    Boolean.TRUE.equals(result.get("alreadyDone")) ? "ALREADY_DONE" : "RESET");
            return result;
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            Metrics.put(Metric.RESETS, 1, input.secretId(), "FAILED");
            throw e;
        }
    }
}
