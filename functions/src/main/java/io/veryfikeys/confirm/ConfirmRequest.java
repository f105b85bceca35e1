package io.veryfikeys.confirm;

/**
 * What an operator types into ConfirmFunction's Test tab in the Lambda console (or passes to {@code
 * aws lambda invoke}) once a partner's system, registered with the {@code manual} contract, works
 * with the new key: {@code
 * {"secretId":"veryfi/payroll","consumer":"acme-portal","keyId":42,"confirmedBy":"jane@example.com"}}.
 * The console path of {@code veryfi-keys confirm}; events/confirm.json is the sample.
 *
 * @param keyId the Veryfi key id the system now uses ({@code veryfi-keys status} or the rotation's
 *     alert shows it; never the key)
 * @param confirmedBy who confirms, as the team knows them: Lambda does not tell a function who
 *     invoked it, so this and the request id are what the rotation's report and history keep
 */
public record ConfirmRequest(String secretId, String consumer, Long keyId, String confirmedBy) {}
