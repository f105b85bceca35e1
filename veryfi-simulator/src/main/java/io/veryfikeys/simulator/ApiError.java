package io.veryfikeys.simulator;

/**
 * An error answer of the key API: {@code {"status":"fail","code":..,"message":..}} with {@code
 * status}.
 */
final class ApiError extends Exception {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        // No stack trace: these are answers, not failures of the simulator.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "UNAUTHORIZED", message);
    }

    static ApiError invalidSignature(String message) {
        return new ApiError(401, "INVALID_SIGNATURE", message);
    }
}
