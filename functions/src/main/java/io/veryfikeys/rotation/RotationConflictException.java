package io.veryfikeys.rotation;

/** The secret changed under the rotation (another actor moved a label): stop rather than guess. */
public class RotationConflictException extends RuntimeException {
    public RotationConflictException(String message) {
        super(message);
    }
}
