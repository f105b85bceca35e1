package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.veryfi.RequestBudget;

/**
 * Lambda entry point of the two undo steps: {@code demote} puts the old key back as AWSCURRENT,
 * {@code discard} deletes a new key that must not stay (see {@link RotationSteps}).
 */
public final class RevertHandler extends StepHandler<RevertHandler.Request, Object> {
    private final RotationSteps steps = DeployedRotation.steps();

    public record Request(String phase, RotationState state) {}

    public RevertHandler() {
        super(Request.class, false, HandlerPriming::revert);
    }

    @Override
    protected Object handle(Request input, Context context) {
        if (input.state() == null) {
            throw new InvalidInputException("state is required");
        }
        RequestBudget.use(RotationStateHandler.budgetOf(input.state()));
        if ("demote".equals(input.phase())) {
            return steps.demoteNewKey(input.state());
        }
        if ("discard".equals(input.phase())) {
            return steps.discardNewKey(input.state());
        }
        throw new InvalidInputException("phase must be \"demote\" or \"discard\"");
    }
}
