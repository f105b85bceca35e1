package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.support.AwsClients;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.SecretIds;
import io.veryfikeys.support.StepHandler;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * First state of the scheduled fleet run: the accounts to rotate are the secrets under the
 * configured name prefix that carry the rotation tag. An explicit {@code "accounts"} list in
 * the input (each validated) replaces the discovery, for rotating a chosen few.
 */
public final class ListAccountsHandler extends StepHandler<JsonNode, Map<String, Object>> {
    private static final AccountSecrets SECRETS = new AccountSecrets(AwsClients::secretsManager);

    public ListAccountsHandler() {
        super(JsonNode.class);
    }

    @Override
    protected Map<String, Object> handle(JsonNode input, Context context) {
        int maxConcurrency = Integer.parseInt(Env.get("MAX_CONCURRENCY", "5"));
        List<String> accounts;
        if (input.has("accounts")) {
            if (!input.get("accounts").isArray()) {
                throw new InvalidInputException("accounts must be a list of secret names");
            }
            accounts = StreamSupport.stream(input.get("accounts").spliterator(), false)
                    .map(node -> SecretIds.validate(node.isTextual() ? node.asText() : null)).distinct().toList();
        } else {
            accounts = SECRETS.listTagged(Env.get("SECRET_NAME_PREFIX", "veryfi/"),
                    Env.get("ROTATION_TAG_KEY", "veryfi-key-rotation"), Env.get("ROTATION_TAG_VALUE", "enabled"));
        }
        return Map.of("accounts", accounts, "maxConcurrency", maxConcurrency, "count", accounts.size());
    }
}
