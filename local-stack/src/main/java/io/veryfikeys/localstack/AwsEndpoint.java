package io.veryfikeys.localstack;

import com.sun.net.httpserver.HttpExchange;
import io.veryfikeys.localstack.LambdaHost.AwsFault;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * The stack's one AWS endpoint. A request (but one of moto's own admin API) must be signed with a
 * key the stack issued, its signature must verify ({@link Signatures}), and it must be allowed by
 * its principal's identity policy, as in AWS; then Lambda's API is answered here, and any other
 * call gets the fault a test injected for it or moto's answer. Whatever the answer, the {@link
 * AwsCallLog}'s listeners hear of it just before it goes out.
 */
record AwsEndpoint(
        CredentialsAuthority authority,
        IdentityPolicies policies,
        AwsCallLog calls,
        LambdaApi lambdaApi,
        AwsFaults faults,
        AwsProxy proxy) {

    void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (path.startsWith("/moto-api/")) {
                proxy.forward(ex, body, null); // moto's own admin API, not an AWS one
                return;
            }
            CredentialsAuthority.Check check =
                    authority.check(AwsRequests.accessKey(ex), AwsRequests.sessionToken(ex));
            if (check.accepted() && !Signatures.verifies(ex, body, check.issued())) {
                check =
                        new CredentialsAuthority.Check(
                                check.issued(), CredentialsAuthority.Refusal.BAD_SIGNATURE);
            }
            LambdaApi.Request lambda = LambdaApi.request(ex.getRequestMethod(), path);
            String operation = lambda == null ? AwsRequests.operation(ex, body) : null;
            String action =
                    lambda != null
                            ? lambda.action()
                            : operation == null ? null : AwsRequests.iamAction(operation);
            String principal = check.issued() == null ? null : check.issued().principal();
            answer(
                    new StatusHookExchange(
                            ex,
                            status ->
                                    calls.answered(
                                            principal,
                                            action,
                                            status,
                                            () -> AwsRequests.resourceOf(body))),
                    check,
                    lambda,
                    operation,
                    action,
                    body);
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void answer(
            HttpExchange ex,
            CredentialsAuthority.Check check,
            LambdaApi.Request lambda,
            String operation,
            String action,
            byte[] body)
            throws IOException {
        if (!check.accepted()) {
            refuse(ex, check);
            return;
        }
        String principal = check.issued().principal();
        if (action != null) {
            Supplier<String> resource =
                    lambda != null ? lambda::resource : () -> AwsRequests.resourceOf(body);
            if (denied(ex, principal, action, resource, body)) return;
            calls.allowed(principal, action);
        }
        if (lambda != null) {
            lambdaApi.serve(ex, lambda, body);
            return;
        }
        AwsFault fault = faults.take(operation, principal, body);
        if (fault != null) AwsFaults.reply(ex, fault);
        else
            proxy.forward(
                    ex, body, action == null ? null : action.substring(0, action.indexOf(':')));
    }

    private void refuse(HttpExchange ex, CredentialsAuthority.Check check) throws IOException {
        CredentialsAuthority.Refusal r = check.refusal();
        String who = check.issued() == null ? "unknown" : check.issued().principal();
        calls.refused(r.name() + " " + who);
        HttpReplies.forbidden(ex, r.queryCode, r.jsonCode, r.message);
    }

    private boolean denied(
            HttpExchange ex,
            String principal,
            String action,
            Supplier<String> resource,
            byte[] body)
            throws IOException {
        if (policies.allows(principal, action)
                && policies.leadingKeysAllow(principal, action, body)) return false;
        calls.refused("ACCESS_DENIED " + principal + " " + action);
        HttpReplies.forbidden(
                ex,
                "AccessDenied",
                "AccessDeniedException",
                IdentityPolicies.denial(principal, action, resource.get()));
        return true;
    }
}
