package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.aws.AwsNotifier;
import io.veryfikeys.lambda.StepHandler;

import java.time.Clock;
import java.util.Map;

/** Lambda entry point of the Report states: publishes the outcome to the alerts topic. */
public final class ReportHandler extends StepHandler<RotationReport.Request, Map<String, Object>> {
    private static final RotationReport REPORT =
            new RotationReport(AwsNotifier.fromEnvironment(), Clock.systemUTC());

    public ReportHandler() {
        super(RotationReport.Request.class, false, HandlerPriming::report);
    }

    @Override
    protected Map<String, Object> handle(RotationReport.Request input, Context context) {
        return REPORT.publish(input);
    }
}
