package io.veryfikeys.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;

/**
 * What a consumer calls Veryfi with, from the account secret's {@code AWSCURRENT} version: the key
 * id (which it reports, never the key), the API base URL and the account's credentials. {@link
 * #toString()} names the key id and client id only.
 */
public record VeryfiCredentials(
        long keyId,
        URI baseUrl,
        String clientId,
        String username,
        String apiKey,
        String clientSecret) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The secret's JSON, as the stack writes it. The error names the secret, never its content. */
    static VeryfiCredentials parse(String secretId, String secretString) {
        try {
            JsonNode json = JSON.readTree(secretString);
            return new VeryfiCredentials(
                    json.get("apiKeyId").asLong(),
                    URI.create(json.path("baseUrl").asText("https://api.veryfi.com/")),
                    json.get("clientId").asText(),
                    json.get("username").asText(),
                    json.get("apiKey").asText(),
                    json.hasNonNull("clientSecret") ? json.get("clientSecret").asText() : null);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "secret " + secretId + " is not a Veryfi account secret (see the README)");
        }
    }

    /** {@code AUTHORIZATION: apikey <username>:<api key>}. */
    String authorization() {
        return "apikey " + username + ":" + apiKey;
    }

    @Override
    public String toString() {
        return "VeryfiCredentials[keyId=" + keyId + ", clientId=" + clientId + "]";
    }
}
