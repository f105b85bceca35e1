package io.veryfikeys.reset;

/**
 * What a responder types into the Lambda console's Test tab (or passes to {@code aws lambda
 * invoke}): {@code {"secretId":"veryfi/payroll","reason":"key pasted in ticket
 * OPS-123","confirm":"veryfi/payroll"}}. {@code confirm} must repeat the secret name: a reset locks
 * out every consumer until they refetch, so it is never done by accident. {@code idempotencyToken}
 * makes a retried request safe; without one the Lambda request id serves. {@code requestedBy} is
 * free text for the alert.
 */
public record ResetRequest(
        String secretId,
        String account,
        String reason,
        String confirm,
        String idempotencyToken,
        String requestedBy) {}
