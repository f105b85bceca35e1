package io.veryfikeys.rotation;

import java.util.Map;

/**
 * Lambda entry point of the rotation's DeleteOldKey state; the protocol lives in {@link
 * RotationSteps#deleteOldKey}.
 */
public final class DeleteOldKeyHandler extends RotationStateHandler<Map<String, Object>> {
    public DeleteOldKeyHandler() {
        super(RotationSteps::deleteOldKey, HandlerPriming::deleteOldKey);
    }
}
