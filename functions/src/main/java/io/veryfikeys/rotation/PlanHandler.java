package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.lambda.StepHandler;

/**
 * Lambda entry point of the rotation's Plan state; the protocol lives in {@link
 * RotationSteps#planRotation}.
 */
public final class PlanHandler extends StepHandler<PlanRequest, Object> {
    private final RotationSteps steps = DeployedRotation.steps();

    public PlanHandler() {
        super(PlanRequest.class, false, HandlerPriming::plan);
    }

    @Override
    protected Object handle(PlanRequest input, Context context) {
        return input.checkOnly() ? steps.checkup(input) : steps.planRotation(input);
    }
}
