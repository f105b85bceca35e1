package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

import java.util.Map;
/** Lambda entry point of the rotation's DeleteOldKey state; the protocol lives in {@link RotationSteps#deleteOldKey}. */
public final class DeleteOldKeyHandler extends StepHandler<RotationState, Map<String, Object>> {
    private static final RotationSteps STEPS = RotationSteps.fromEnvironment();

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(DeleteOldKeyHandler.class, HandlerPriming::deleteOldKey);
    }

    public DeleteOldKeyHandler() {
        super(RotationState.class);
    }

    @Override
    protected Map<String, Object> handle(RotationState input, Context context) {
        return STEPS.deleteOldKey(input);
    }
}
