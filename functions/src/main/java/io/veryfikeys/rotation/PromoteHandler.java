package io.veryfikeys.rotation;

/**
 * Lambda entry point of the rotation's Promote state; the protocol lives in {@link
 * RotationSteps#promote}.
 */
public final class PromoteHandler extends RotationStateHandler<Rollout> {
    public PromoteHandler() {
        super(RotationSteps::promote, HandlerPriming::promote);
    }
}
