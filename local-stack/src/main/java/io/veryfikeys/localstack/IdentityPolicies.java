package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identity policies that allow a principal only some IAM actions ({@code prefix:Action}), so tests
 * see AccessDenied as AWS words it. A principal without one may call anything.
 */
final class IdentityPolicies {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();
    private final Map<String, LeadingKeys> leadingKeys = new ConcurrentHashMap<>();

    /**
     * A {@code "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [...]}} condition on every
     * DynamoDB action of the principal: each partition key value the request names (attribute
     * {@code attribute} of its Item or Key) must be one of {@code values}
     * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
     */
    record LeadingKeys(String attribute, Set<String> values) {}

    /** Null removes the condition. */
    void leadingKeys(String principal, LeadingKeys condition) {
        if (condition == null) leadingKeys.remove(principal);
        else leadingKeys.put(principal, condition);
    }

    /**
     * Whether the principal's leading-key condition (if any) holds for this DynamoDB request:
     * PutItem's Item, GetItem/UpdateItem/DeleteItem's Key, BatchGetItem's Keys. ForAllValues over
     * no value holds, as in IAM; so the documented consumer policy allows PutItem alone.
     */
    boolean leadingKeysAllow(String principal, String action, byte[] body) {
        LeadingKeys condition = leadingKeys.get(principal);
        if (condition == null || !action.startsWith("dynamodb:")) return true;
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return false;
        }
        java.util.List<JsonNode> keys = new java.util.ArrayList<>();
        if (request.has("Item")) keys.add(request.get("Item"));
        if (request.has("Key")) keys.add(request.get("Key"));
        request.path("RequestItems").forEach(table -> table.path("Keys").forEach(keys::add));
        for (JsonNode key : keys) {
            String value = key.path(condition.attribute()).path("S").asText(null);
            if (value != null && !condition.values().contains(value)) return false;
        }
        return true;
    }

    /** Null removes the principal's policy. */
    void set(String principal, Set<String> allowedActions) {
        if (allowedActions == null) allowed.remove(principal);
        else allowed.put(principal, Set.copyOf(allowedActions));
    }

    boolean allows(String principal, String action) {
        Set<String> actions = allowed.get(principal);
        return actions == null || actions.contains(action);
    }

    /**
     * AWS's words for a call no identity policy allows: "User: ARN is not authorized to perform:
     * ACTION on resource: RESOURCE because no identity-based policy allows the ACTION action"
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
     */
    static String denial(String principal, String action, String resource) {
        return "User: arn:aws:sts::"
                + LocalAwsStack.ACCOUNT_ID
                + ":assumed-role/"
                + principal
                + "/session is not authorized to perform: "
                + action
                + " on resource: "
                + resource
                + " because no identity-based policy allows the "
                + action
                + " action";
    }
}
