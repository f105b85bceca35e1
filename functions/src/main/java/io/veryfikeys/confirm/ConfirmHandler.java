package io.veryfikeys.confirm;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.support.Env;

import java.time.Clock;
import java.util.Map;

/**
 * An operator's confirmation from the Lambda console (README "Consumers"): the work is in {@link
 * ManualConfirmation}.
 */
public final class ConfirmHandler extends StepHandler<ConfirmRequest, Map<String, Object>> {
    private static final ManualConfirmation CONFIRMATION =
            new ManualConfirmation(
                    AwsClients::ssmParameters,
                    Env.get("CONFIRM_SETTINGS_PARAMETER", null),
                    (record, expiresAt) -> AwsClients.checkIns().put(record, expiresAt),
                    Clock.systemUTC());

    public ConfirmHandler() {
        super(ConfirmRequest.class, true); // a person types it: a misspelt field is refused
    }

    @Override
    protected Map<String, Object> handle(ConfirmRequest input, Context context) {
        return CONFIRMATION.confirm(input, context == null ? null : context.getAwsRequestId());
    }
}
