package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

/** Lambda entry point of the rotation's PollConsumers state; the protocol lives in {@link RotationSteps#pollConsumers}. */
public final class PollConsumersHandler extends StepHandler<RotationState, PollState> {
    private static final RotationSteps STEPS = RotationSteps.fromEnvironment();

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(PollConsumersHandler.class, HandlerPriming::pollConsumers);
    }

    public PollConsumersHandler() {
        super(RotationState.class);
    }

    @Override
    protected PollState handle(RotationState input, Context context) {
        return STEPS.pollConsumers(input);
    }
}
