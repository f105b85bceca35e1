package io.veryfikeys.rotation;

/**
 * Lambda entry point of the rotation's PollConsumers state; the protocol lives in {@link
 * RotationSteps#pollConsumers}.
 */
public final class PollConsumersHandler extends RotationStateHandler<PollState> {
    public PollConsumersHandler() {
        super(RotationSteps::pollConsumers, HandlerPriming::pollConsumers);
    }
}
