package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

/** Lambda entry point of the rotation's CreateKey state; the protocol lives in {@link RotationSteps#createKey}. */
public final class CreateKeyHandler extends StepHandler<RotationState, Created> {
    private static final RotationSteps STEPS = RotationSteps.fromEnvironment();

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(CreateKeyHandler.class, HandlerPriming::createKey);
    }

    public CreateKeyHandler() {
        super(RotationState.class);
    }

    @Override
    protected Created handle(RotationState input, Context context) {
        return STEPS.createKey(input);
    }
}
