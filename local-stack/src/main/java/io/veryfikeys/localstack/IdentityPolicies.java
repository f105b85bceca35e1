package io.veryfikeys.localstack;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identity policies that allow a principal only some IAM actions ({@code prefix:Action}), so tests
 * see AccessDenied as AWS words it. A principal without one may call anything.
 */
final class IdentityPolicies {
    private final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();

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
