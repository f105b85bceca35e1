package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.support.AwsClients;
import io.veryfikeys.support.Env;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.SecretIds;
import io.veryfikeys.support.Priming;
import io.veryfikeys.support.StepHandler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * First state of the fleet run: the accounts to rotate are the secrets under the configured name
 * prefix that carry the rotation tag. An explicit {@code "accounts"} list in the input replaces
 * the discovery (to rotate a chosen few), and {@code "settings"} (the rotation overrides, e.g.
 * {@code gracePeriodSeconds}) is handed to every account's rotation.
 */
public final class ListAccountsHandler extends StepHandler<JsonNode, Map<String, Object>> {
    private static final AccountSecrets SECRETS = new AccountSecrets(AwsClients::secretsManager);
    private static final Set<String> SETTINGS = Set.of("pollIntervalSeconds", "requiredHealthyPolls",
            "pollTimeoutSeconds", "gracePeriodSeconds");

    static {
        // SnapStart: runs once before the snapshot, never per invocation (see Priming).
        Priming.register(ListAccountsHandler.class, HandlerPriming::listAccounts);
    }

    public ListAccountsHandler() {
        super(JsonNode.class);
    }

    @Override
    protected Map<String, Object> handle(JsonNode input, Context context) {
        if (!input.isObject()) {
            throw new InvalidInputException("the fleet input must be a JSON object ({} rotates every tagged account)");
        }
        Map<String, Object> settings = settings(input.get("settings"));
        List<String> names;
        if (input.has("accounts")) {
            if (!input.get("accounts").isArray() || input.get("accounts").isEmpty()) {
                throw new InvalidInputException("accounts must be a non-empty list of secret names");
            }
            names = StreamSupport.stream(input.get("accounts").spliterator(), false)
                    .map(node -> SecretIds.validate(node.isTextual() ? node.asText() : null)).distinct().toList();
        } else {
            names = SECRETS.listTagged(Env.get("SECRET_NAME_PREFIX", "veryfi/"),
                    Env.get("ROTATION_TAG_KEY", "veryfi-key-rotation"), Env.get("ROTATION_TAG_VALUE", "enabled"));
        }
        List<Map<String, Object>> accounts = names.stream().map(name -> {
            Map<String, Object> rotationInput = new LinkedHashMap<>(settings);
            rotationInput.put("secretId", name);
            return rotationInput;
        }).toList();
        return Map.of("accounts", accounts, "maxConcurrency", Integer.parseInt(Env.get("MAX_CONCURRENCY", "5")),
                "count", accounts.size());
    }

    private static Map<String, Object> settings(JsonNode node) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("settings must be an object");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!SETTINGS.contains(name)) {
                throw new InvalidInputException("settings." + name + " is not a rotation setting; known: " + SETTINGS);
            }
        });
        RotationSettings.fromEnvironment().withOverrides(node); // validates ranges before any rotation starts
        node.fields().forEachRemaining(field -> settings.put(field.getKey(), field.getValue().intValue()));
        return settings;
    }
}
