package io.veryfikeys.reset;

import io.veryfikeys.notifications.Notifier;
import io.veryfikeys.veryfi.ApiKey;

import java.util.Comparator;
import java.util.List;

/**
 * The incident reset's decisions, as functions of plain values (issue 14): which of the keys Veryfi
 * returned becomes AWSCURRENT, what a failed reset call means and what the responder is told, and
 * the summary of a reset that worked. {@link AccountReset} gathers the facts and acts.
 */
final class ResetDecision {
    private ResetDecision() {}

    /** How the reset call made with one stored key failed. */
    enum Failure {
        /** 403: the key is valid but may not reset; another stored key would be refused alike. */
        FORBIDDEN,
        /** 401: this key is dead; another stored key may still work. */
        UNAUTHENTICATED,
        /** An answer that could not be read; with a 2xx status the reset happened. */
        UNREADABLE_ANSWER,
        /** Anything else: 5xx, 429 after retries, no answer at all (status 0). */
        OTHER
    }

    enum Next {
        TRY_NEXT_KEY,
        /** Stop and alert: nothing a later look could change. */
        FAIL,
        /** Alert and fail, unless another reset stored a live key meanwhile (it did the job). */
        FAIL_UNLESS_RESET_BY_ANOTHER
    }

    /**
     * {@code advice} is {@link Notifier#ADVICE_RESET_ACCOUNT} only where no stored key works any
     * more; {@code error} is the message of the exception the reset fails with.
     */
    record Verdict(Next next, String result, String summary, String advice, String error) {}

    /**
     * {@code errorName} and {@code errorMessage}: the Veryfi exception's simple class name and
     * message.
     */
    static Verdict onFailure(
            Failure failure, int status, String secretId, String errorName, String errorMessage) {
        return switch (failure) {
            case FORBIDDEN ->
                    new Verdict(
                            Next.FAIL,
                            "RESET_FAILED",
                            "Veryfi does not allow this account's key to reset"
                                    + " keys (HTTP 403, not allowed). Nothing changed and the stored keys still work. If the key must"
                                    + " still die (it leaked), reset from the Veryfi portal and store the new key in the secret by hand;"
                                    + " either way, ask Veryfi to grant the key-management permission.",
                            null,
                            "Veryfi does not allow the reset of " + secretId + " (HTTP 403)");
            case UNAUTHENTICATED -> new Verdict(Next.TRY_NEXT_KEY, null, null, null, null);
            case UNREADABLE_ANSWER, OTHER -> {
                if (failure == Failure.UNREADABLE_ANSWER && status >= 200 && status < 300) {
                    // The reset happened, every previous key is dead, and the new values are in an
                    // answer nobody could read: nobody can call Veryfi until someone resets again.
                    yield new Verdict(
                            Next.FAIL,
                            "LOCKED_OUT",
                            "URGENT: Veryfi accepted the reset of "
                                    + secretId
                                    + " (HTTP "
                                    + status
                                    + ") but its answer could not be read, so the new keys are unknown and"
                                    + " every previous key is already invalid: every consumer is locked out. Reset the account"
                                    + " again from the Veryfi portal and store the new key in the secret by hand.",
                            Notifier.ADVICE_RESET_ACCOUNT,
                            "Veryfi reset "
                                    + secretId
                                    + " but its answer could not be read: "
                                    + errorMessage);
                }
                // No answer at all is ambiguous: Veryfi may have reset and the new keys never
                // reached us. Say so rather than promise that nothing changed.
                yield new Verdict(
                        Next.FAIL_UNLESS_RESET_BY_ANOTHER,
                        "RESET_FAILED",
                        status == 0
                                ? "Veryfi did not answer the reset call ("
                                        + errorName
                                        + "). The reset MAY have happened"
                                        + " without the new keys reaching us: if consumers now get 401, the stored keys are dead and the"
                                        + " account must be reset from the Veryfi portal; otherwise invoke the reset again."
                                : "Veryfi refused the reset ("
                                        + errorName
                                        + ", status "
                                        + status
                                        + "). Nothing changed;"
                                        + " invoke the reset again.",
                        null,
                        "reset of " + secretId + " failed at Veryfi: " + errorMessage);
            }
        };
    }

    /** Every stored key was refused with 401: only a reset by hand brings the account back. */
    static Verdict everyKeyRejected(String secretId) {
        return new Verdict(
                Next.FAIL_UNLESS_RESET_BY_ANOTHER,
                "RESET_FAILED",
                "Veryfi rejects every key stored in "
                        + secretId
                        + ": reset the account from the Veryfi portal and store the new key in the secret by hand.",
                Notifier.ADVICE_RESET_ACCOUNT,
                "Veryfi rejects every stored key of " + secretId);
    }

    /**
     * The keys Veryfi returned: the lowest id becomes AWSCURRENT (the same choice on every retry of
     * the same answer); the others are extras: one is kept as a spare (AWSPENDING) when the
     * settings keep two keys, the rest are deleted. The settings are read only after the new key is
     * stored.
     */
    record Split(ApiKey keep, List<ApiKey> extras) {}

    static Split split(List<ApiKey> returned) {
        if (returned.isEmpty()) {
            throw new IllegalArgumentException("Veryfi's reset returned no key");
        }
        List<ApiKey> sorted =
                returned.stream().sorted(Comparator.comparingLong(ApiKey::id)).toList();
        return new Split(sorted.get(0), sorted.subList(1, sorted.size()));
    }

    /**
     * The alert's summary of a reset that stored its key: what changed and what the responder must
     * still do.
     */
    static String summary(
            String secretId,
            List<String> linkedUpdated,
            List<String> linkedNotUpdated,
            List<String> unlinked,
            List<Long> pending) {
        return "Every key of "
                + secretId
                + " was reset: all previous keys are rejected by Veryfi now."
                + " The new key is stored as AWSCURRENT"
                + (linkedUpdated.isEmpty()
                        ? ""
                        : " of " + secretId + " and of its linked secrets " + linkedUpdated)
                + "; consumers must refetch it."
                + (linkedNotUpdated.isEmpty()
                        ? ""
                        : " NOT updated, holding a dead key: linked secret(s) "
                                + linkedNotUpdated
                                + "; copy the new version of "
                                + secretId
                                + " into them by hand.")
                + (unlinked.isEmpty()
                        ? ""
                        : " Also holding this account, not linked, and so holding a dead key now: "
                                + unlinked
                                + "; copy the new key into them by hand, or add them to linkedSecrets of "
                                + secretId
                                + ".")
                + (pending.isEmpty()
                        ? ""
                        : " Still to do: Veryfi refused to delete surplus key(s) "
                                + pending
                                + ", which stay live, held by the secret's VERYFI_SURPLUS version. Invoke the reset again with the"
                                + " same idempotencyToken to finish, or the next rotation removes them.");
    }
}
