package io.veryfikeys.rotation;

import java.util.Map;

/**
 * Lambda entry point of the rotation's VerifyNewKey state; the protocol lives in {@link
 * RotationSteps#verifyNewKey}.
 */
public final class VerifyNewKeyHandler extends RotationStateHandler<Map<String, Object>> {
    public VerifyNewKeyHandler() {
        super(RotationSteps::verifyNewKey, HandlerPriming::verifyNewKey);
    }
}
