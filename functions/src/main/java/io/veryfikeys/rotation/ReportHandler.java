package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Notifications;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

import java.time.Clock;
import java.util.Map;

/** Lambda entry point of the Report states: publishes the outcome to the alerts topic. */
public final class ReportHandler extends StepHandler<RotationReport.Request, Map<String, Object>> {
    private static final RotationReport REPORT = new RotationReport(Notifications.fromEnvironment(), Clock.systemUTC());

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(ReportHandler.class, HandlerPriming::report);
    }

    public ReportHandler() {
        super(RotationReport.Request.class);
    }

    @Override
    protected Map<String, Object> handle(RotationReport.Request input, Context context) {
        return REPORT.publish(input);
    }
}
