package io.veryfikeys.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.aws.AwsClients;
import io.veryfikeys.lambda.StepHandler;
import io.veryfikeys.secrets.AccountSecrets;
import io.veryfikeys.secrets.SameAccountSecrets;
import io.veryfikeys.support.Fields;
import io.veryfikeys.support.InvalidInputException;
import io.veryfikeys.support.Log;
import io.veryfikeys.support.SecretIds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * First state of the fleet run: the accounts to rotate are the secrets under the configured name
 * prefix that carry the rotation tag. An explicit {@code "accounts"} list in the fleet input
 * replaces the discovery (to rotate a chosen few), and {@code "settings"} (the rotation overrides,
 * e.g. {@code gracePeriodSeconds}) is handed to every account's rotation.
 *
 * <p>The state machine passes {@code {"input": <fleet input>, "deploySettings": {...}}}: the
 * prefix, tag and concurrency are template parameters that travel in the fleet definition, not in
 * this function's environment, so that a deploy that changes them reaches the next run (see {@link
 * DeploySettings} for why).
 */
public final class ListAccountsHandler extends StepHandler<JsonNode, Map<String, Object>> {
    private static final Log LOG = Log.get(ListAccountsHandler.class);
    private static final AccountSecrets SECRETS = new AccountSecrets(AwsClients::secretsManager);
    private static final Set<String> SETTINGS =
            Set.of(
                    "pollIntervalSeconds",
                    "requiredHealthyPolls",
                    "pollTimeoutSeconds",
                    "gracePeriodSeconds");

    public ListAccountsHandler() {
        super(JsonNode.class, false, HandlerPriming::listAccounts);
    }

    @Override
    protected Map<String, Object> handle(JsonNode request, Context context) {
        Fleet fleet = Fleet.from(request.get("deploySettings"));
        JsonNode input = request.get("input");
        if (input == null || !input.isObject()) {
            throw new InvalidInputException(
                    "the fleet input must be a JSON object ({} rotates every tagged account)");
        }
        Fields.requireKnown(input, "the fleet input", List.of("accounts", "settings"));
        Map<String, Object> settings = settings(input.get("settings"));
        List<String> names;
        if (input.has("accounts")) {
            if (!input.get("accounts").isArray() || input.get("accounts").isEmpty()) {
                throw new InvalidInputException(
                        "accounts must be a non-empty list of secret names");
            }
            names =
                    StreamSupport.stream(input.get("accounts").spliterator(), false)
                            .map(
                                    node ->
                                            SecretIds.validate(
                                                    node.isTextual() ? node.asText() : null))
                            .distinct()
                            .toList();
        } else {
            names = SECRETS.listTagged(fleet.secretNamePrefix(), fleet.tagKey(), fleet.tagValue());
        }
        // Secrets holding one account: linked copies rotate with the secret that lists them, and
        // unlinked groups are flagged here (each of their rotations is refused, naming the others).
        SameAccountSecrets.FleetView sameAccount =
                SameAccountSecrets.fleetView(SECRETS.sameAccountScan(fleet.secretNamePrefix()));
        List<String> skipped = names.stream().filter(sameAccount.linkedCopies()::contains).toList();
        names = names.stream().filter(name -> !sameAccount.linkedCopies().contains(name)).toList();
        if (!sameAccount.unlinkedGroups().isEmpty()) {
            LOG.warn(
                    "fleet.same_account_not_linked",
                    "groups",
                    sameAccount.unlinkedGroups().toString());
        }
        List<Map<String, Object>> accounts =
                names.stream()
                        .map(
                                name -> {
                                    Map<String, Object> rotationInput =
                                            new LinkedHashMap<>(settings);
                                    rotationInput.put("secretId", name);
                                    return rotationInput;
                                })
                        .toList();
        // Removing the tag silently stops a secret's rotation: name those under the prefix without
        // it
        // (linked copies aside, which rotate with the secret that lists them), at most 100 of them.
        List<String> untagged =
                SECRETS
                        .listUntagged(fleet.secretNamePrefix(), fleet.tagKey(), fleet.tagValue())
                        .stream()
                        .filter(name -> !sameAccount.linkedCopies().contains(name))
                        .toList();
        if (!untagged.isEmpty()) {
            LOG.warn("fleet.not_tagged_for_rotation", "count", untagged.size());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("accounts", accounts);
        result.put("maxConcurrency", fleet.maxConcurrency());
        result.put("count", accounts.size());
        result.put("linkedCopiesSkipped", skipped);
        result.put("sameAccountNotLinked", sameAccount.unlinkedGroups());
        result.put("notTaggedForRotation", untagged.subList(0, Math.min(100, untagged.size())));
        result.put("notTaggedForRotationCount", untagged.size());
        return result;
    }

    private static Map<String, Object> settings(JsonNode node) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("settings must be an object");
        }
        node.fieldNames()
                .forEachRemaining(
                        name -> {
                            if (!SETTINGS.contains(name)) {
                                throw new InvalidInputException(
                                        "settings."
                                                + name
                                                + " is not a rotation setting; known: "
                                                + SETTINGS);
                            }
                        });
        RotationSettings.checkOverrides(node);
        node.fields()
                .forEachRemaining(
                        field -> settings.put(field.getKey(), field.getValue().intValue()));
        return settings;
    }

    /** The fleet's template parameters, as the fleet state machine passes them. */
    record Fleet(String secretNamePrefix, String tagKey, String tagValue, int maxConcurrency) {
        static Fleet from(JsonNode node) {
            if (node == null || !node.isObject()) {
                throw new InvalidInputException(
                        "the ListAccounts input has no deploySettings object: the fleet state "
                                + "machine passes the template's settings (deploy statemachine/fleet.asl.json with template.yaml)");
            }
            int maxConcurrency = DeploySettings.number(node, "maxConcurrency");
            if (maxConcurrency < 1 || maxConcurrency > 40) {
                throw new InvalidInputException(
                        "deploySettings.maxConcurrency must be between 1 and 40, got "
                                + maxConcurrency);
            }
            return new Fleet(
                    DeploySettings.secretNamePrefix(node),
                    DeploySettings.text(node, "rotationTagKey"),
                    DeploySettings.text(node, "rotationTagValue"),
                    maxConcurrency);
        }
    }
}
