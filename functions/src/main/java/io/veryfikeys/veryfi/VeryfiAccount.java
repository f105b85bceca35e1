package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Who we are at Veryfi, apart from the API key: the key changes with every rotation, this does not.
 * The client secret, when present, signs every request, the way {@code signing} says.
 */
public record VeryfiAccount(
        URI baseUrl,
        String clientId,
        String username,
        Optional<SecretValue> clientSecret,
        SigningScheme signing) {
    public static final URI PRODUCTION = URI.create("https://api.veryfi.com");

    public VeryfiAccount {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        clientSecret = clientSecret == null ? Optional.empty() : clientSecret;
        signing = signing == null ? SigningScheme.JSON : signing;
    }

    /** Signed (when a client secret is given) the default way, {@link SigningScheme#JSON}. */
    public VeryfiAccount(
            URI baseUrl, String clientId, String username, Optional<SecretValue> clientSecret) {
        this(baseUrl, clientId, username, clientSecret, SigningScheme.JSON);
    }
}
