package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

/** Lambda entry point of the rotation's Plan state; the protocol lives in {@link RotationSteps#plan}. */
public final class PlanHandler extends StepHandler<PlanRequest, Object> {
    private static final RotationSteps STEPS = RotationSteps.fromEnvironment();

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(PlanHandler.class, HandlerPriming::plan);
    }

    public PlanHandler() {
        super(PlanRequest.class);
    }

    @Override
    protected Object handle(PlanRequest input, Context context) {
        return input.checkOnly() ? STEPS.checkup(input) : STEPS.plan(input);
    }
}
