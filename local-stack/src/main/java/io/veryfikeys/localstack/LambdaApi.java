package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.veryfikeys.localstack.LambdaHost.FunctionConfig;
import io.veryfikeys.localstack.LambdaHost.InvokeFault;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Lambda's API the stack serves itself: Invoke, GetFunctionConfiguration and
 * ListFunctions.
 */
record LambdaApi(
        FunctionRegistry functions,
        Invocations invocations,
        InvokeFaults invokeFaults,
        FunctionRunner runner,
        ExecutorService pool,
        ObjectMapper json) {

    /**
     * A request of Lambda's API: the IAM action it needs and the function it names (null: all of
     * them).
     */
    record Request(String action, String function) {
        String resource() {
            return function == null
                    ? "*"
                    : FunctionNames.arn(FunctionNames.withoutArnPrefix(function));
        }
    }

    private static final String FUNCTIONS = "/2015-03-31/functions";
    private static final Pattern INVOKE =
            Pattern.compile("^/2015-03-31/functions/(.*)/invocations$");
    private static final Pattern CONFIGURATION =
            Pattern.compile("^/2015-03-31/functions/([^/]+)/configuration/?$");

    /** The Lambda request this is, or null when it is some other service's (moto answers those). */
    static Request request(String method, String rawPath) {
        if ("POST".equals(method)) {
            Matcher invoke = INVOKE.matcher(rawPath);
            return invoke.matches()
                    ? new Request("lambda:InvokeFunction", decode(invoke.group(1)))
                    : null;
        }
        if ("GET".equals(method) && rawPath.startsWith(FUNCTIONS)) {
            Matcher configuration = CONFIGURATION.matcher(rawPath);
            return configuration.matches()
                    ? new Request("lambda:GetFunctionConfiguration", decode(configuration.group(1)))
                    : new Request("lambda:ListFunctions", null);
        }
        return null;
    }

    void serve(HttpExchange ex, Request request, byte[] body) throws IOException {
        switch (request.action()) {
            case "lambda:InvokeFunction" -> invoke(ex, request.function(), body);
            case "lambda:GetFunctionConfiguration" -> configuration(ex, request.function());
            default -> listFunctions(ex);
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private void invoke(HttpExchange ex, String rawName, byte[] body) throws IOException {
        String name = FunctionNames.name(rawName);
        FunctionConfig cfg = functions.get(name);
        if (cfg == null) {
            functionNotFound(ex, rawName);
            return;
        }
        invocations.received(
                name, FunctionNames.qualifier(rawName, ex.getRequestURI().getRawQuery()));
        String requestId = UUID.randomUUID().toString();
        ex.getResponseHeaders().set("x-amzn-RequestId", requestId);
        InvokeFault fault = invokeFaults.take(name);
        if (fault != null) {
            ObjectNode err =
                    json.createObjectNode().put("Type", "User").put("message", fault.message);
            if (fault == InvokeFault.TOO_MANY_REQUESTS)
                err.put("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded");
            HttpReplies.sendLambdaError(ex, fault.status, fault.type, json.writeValueAsBytes(err));
            return;
        }
        if ("Event".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
            pool.submit(() -> runner.run(cfg, body, requestId));
            HttpReplies.send(ex, 202, new byte[0]);
            return;
        }
        FunctionRunner.Result r = runner.run(cfg, body, requestId);
        ex.getResponseHeaders().set("X-Amz-Executed-Version", cfg.snapStart() ? "1" : "$LATEST");
        if (r.error()) ex.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        HttpReplies.sendJson(ex, 200, r.payload());
    }

    /**
     * GetFunctionConfiguration, as Lambda answers it for the template's deployment: {@code $LATEST}
     * (no SnapStart optimization: it applies to published versions) or the {@code live} alias's
     * version 1, whose State follows {@link InvokeFaults#publishedVersionState}.
     */
    private void configuration(HttpExchange ex, String raw) throws IOException {
        String name = FunctionNames.name(raw);
        String qualifier = FunctionNames.qualifier(raw, ex.getRequestURI().getRawQuery());
        FunctionConfig cfg = functions.get(name);
        boolean published = qualifier.equals("live") || qualifier.equals("1");
        if (cfg == null || !(qualifier.equals("$LATEST") || published)) {
            functionNotFound(ex, FunctionNames.arn(name + ":" + qualifier));
            return;
        }
        HttpReplies.sendJson(ex, 200, json.writeValueAsBytes(configurationOf(cfg, published)));
    }

    private void listFunctions(HttpExchange ex) throws IOException {
        ObjectNode out = json.createObjectNode();
        var list = out.putArray("Functions");
        functions.byName().forEach(cfg -> list.add(configurationOf(cfg, false)));
        HttpReplies.sendJson(ex, 200, json.writeValueAsBytes(out));
    }

    private ObjectNode configurationOf(FunctionConfig cfg, boolean published) {
        String version = published ? "1" : "$LATEST";
        ObjectNode c =
                json.createObjectNode()
                        .put("FunctionName", cfg.name())
                        .put("FunctionArn", FunctionNames.arn(cfg.name() + (published ? ":1" : "")))
                        .put("Runtime", "java21")
                        .put("Handler", cfg.handler())
                        .put("Timeout", cfg.timeoutSeconds())
                        .put("MemorySize", cfg.memoryMb())
                        .put("Version", version)
                        .put("LastUpdateStatus", "Successful");
        c.putObject("SnapStart")
                .put("ApplyOn", cfg.snapStart() ? "PublishedVersions" : "None")
                .put("OptimizationStatus", cfg.snapStart() && published ? "On" : "Off");
        InvokeFaults.VersionState state =
                published
                        ? invokeFaults.publishedVersionState(cfg.name())
                        : InvokeFaults.VersionState.ACTIVE;
        if (state.reasonCode() != null)
            c.put("StateReasonCode", state.reasonCode()).put("StateReason", state.reason());
        return c.put("State", state.state());
    }

    /** Lambda's 404 for a function (or qualifier) it does not have. */
    private void functionNotFound(HttpExchange ex, String what) throws IOException {
        HttpReplies.sendLambdaError(
                ex,
                404,
                "ResourceNotFoundException",
                json.writeValueAsBytes(
                        json.createObjectNode()
                                .put("Type", "User")
                                .put("Message", "Function not found: " + what)));
    }
}
