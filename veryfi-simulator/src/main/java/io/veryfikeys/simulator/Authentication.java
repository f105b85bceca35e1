package io.veryfikeys.simulator;

import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Veryfi's check of a key-API call: {@code AUTHORIZATION: apikey <USERNAME>:<API_KEY>} naming a
 * live, usable key of the account, and, for an account with a client secret, a fresh request
 * signature ({@link RequestSignature}).
 */
final class Authentication {
    private static final String MALFORMED =
            "Unauthorized: AUTHORIZATION must be 'apikey <USERNAME>:<API_KEY>'";

    private Authentication() {}

    /**
     * The caller holds the account's lock, so that the key found stays live while the call is
     * processed.
     *
     * @return the id of the live key that authenticated the call
     */
    static long authenticate(Account account, Headers headers, String body) throws ApiError {
        String authorization = headers.getFirst("AUTHORIZATION");
        if (authorization == null) {
            throw ApiError.unauthorized("Unauthorized: missing AUTHORIZATION header");
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "apikey ", 0, 7)) {
            throw ApiError.unauthorized(MALFORMED);
        }
        String credentials = value.substring(7).strip();
        int colon = credentials.lastIndexOf(':');
        if (colon <= 0 || colon == credentials.length() - 1) {
            throw ApiError.unauthorized(MALFORMED);
        }
        String username = credentials.substring(0, colon);
        String key = credentials.substring(colon + 1);
        if (!username.equals(account.identity.username())) {
            throw ApiError.unauthorized("Unauthorized: username does not match the account");
        }
        Long keyId = account.findKey(key);
        if (keyId != null && account.isUnusable(keyId)) {
            throw ApiError.unauthorized("Unauthorized: the API key is not active yet");
        }
        if (keyId == null) {
            throw ApiError.unauthorized(
                    "Unauthorized: the API key is not a live key of this account");
        }
        if (account.identity.clientSecret() != null) {
            verifySignature(account.identity, headers, body);
        }
        return keyId;
    }

    private static void verifySignature(Account.Identity identity, Headers headers, String body)
            throws ApiError {
        String timestampHeader = headers.getFirst("X-Veryfi-Request-Timestamp");
        String signature = headers.getFirst("X-Veryfi-Request-Signature");
        if (timestampHeader == null || timestampHeader.isBlank()) {
            throw ApiError.invalidSignature("Missing X-Veryfi-Request-Timestamp header");
        }
        if (signature == null || signature.isBlank()) {
            throw ApiError.invalidSignature("Missing X-Veryfi-Request-Signature header");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalidSignature("X-Veryfi-Request-Timestamp must be Unix milliseconds");
        }
        if (Math.abs(System.currentTimeMillis() - timestamp)
                > RequestSignature.VALIDITY.toMillis()) {
            throw ApiError.invalidSignature(
                    "X-Veryfi-Request-Timestamp is more than "
                            + RequestSignature.VALIDITY.toMinutes()
                            + " minutes away: the signature has expired");
        }
        byte[] given = signature.strip().getBytes(StandardCharsets.UTF_8);
        for (RequestSignature.Scheme scheme : RequestSignature.Scheme.values()) {
            if (identity.onlyScheme() != null && identity.onlyScheme() != scheme) {
                continue;
            }
            String expected;
            try {
                expected = RequestSignature.sign(scheme, identity.clientSecret(), body, timestamp);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidSignature("Cannot verify the signature: " + e.getMessage());
            }
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
                return;
            }
        }
        throw ApiError.invalidSignature("Request signature does not match");
    }
}
