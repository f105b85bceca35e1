package io.veryfikeys.rotation;

/**
 * Lambda entry point of the rotation's CreateKey state; the protocol lives in {@link
 * RotationSteps#createKey}.
 */
public final class CreateKeyHandler extends RotationStateHandler<Created> {
    public CreateKeyHandler() {
        super(RotationSteps::createKey, HandlerPriming::createKey);
    }
}
