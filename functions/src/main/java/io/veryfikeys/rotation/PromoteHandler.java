package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

/** Lambda entry point of the rotation's Promote state; the protocol lives in {@link RotationSteps#promote}. */
public final class PromoteHandler extends StepHandler<RotationState, Rollout> {
    private static final RotationSteps STEPS = RotationSteps.fromEnvironment();

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(PromoteHandler.class, HandlerPriming::promote);
    }

    public PromoteHandler() {
        super(RotationState.class);
    }

    @Override
    protected Rollout handle(RotationState input, Context context) {
        return STEPS.promote(input);
    }
}
