package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.veryfi.RequestBudget;

import java.util.function.BiFunction;

/**
 * The entry point of a rotation state that the state machine hands its whole {@link RotationState}:
 * one method of {@link RotationSteps}, and that step's SnapStart priming ({@link HandlerPriming}).
 */
abstract class RotationStateHandler<O> extends StepHandler<RotationState, O> {
    private final RotationSteps steps = DeployedRotation.steps();
    private final BiFunction<RotationSteps, RotationState, O> step;

    RotationStateHandler(BiFunction<RotationSteps, RotationState, O> step, Runnable priming) {
        super(RotationState.class, false, priming);
        this.step = step;
    }

    @Override
    protected final O handle(RotationState input, Context context) {
        RequestBudget.use(budgetOf(input));
        return step.apply(steps, input);
    }

    /** The request budget of this rotation, as Plan recorded it (none in older plans). */
    static Integer budgetOf(RotationState state) {
        return state == null || state.plan() == null
                ? null
                : state.plan().veryfiRequestsPerSecond();
    }
}
