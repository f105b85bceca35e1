package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.localstack.LambdaHost.FunctionConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one invocation of a function: in its sandboxes when it has a code root, else its handler in
 * this JVM. A failure becomes the error payload Lambda returns with {@code X-Amz-Function-Error}.
 */
record FunctionRunner(
        Sandboxes sandboxes,
        InProcessHandlers inProcess,
        Invocations invocations,
        InvokeFaults invokeFaults,
        URI containerCredentialsUri,
        ObjectMapper json) {

    record Result(byte[] payload, boolean error) {}

    Result run(FunctionConfig cfg, byte[] body, String requestId) {
        return invocations.inFlight(cfg.name(), () -> runNow(cfg, body, requestId));
    }

    private Result runNow(FunctionConfig cfg, byte[] body, String requestId) {
        try {
            invocations.beforeInvoke(cfg.name(), body);
            if (cfg.codeRoot() != null) {
                Sandbox.Outcome o = sandboxes.invoke(spec(cfg), requestId, body);
                if (o.functionError())
                    System.out.println(
                            "[lambda-host] "
                                    + cfg.name()
                                    + " "
                                    + requestId
                                    + " failed: "
                                    + o.errorType());
                return new Result(o.payload(), o.functionError());
            }
            return new Result(inProcess.call(cfg, body, requestId), false);
        } catch (Throwable t) {
            Throwable e = InProcessHandlers.thrownByHandler(t);
            // The real AWS Lambda Java runtime reports the exception's FULLY-QUALIFIED class name
            // as errorType, and Step Functions matches Retry/Catch ErrorEquals against that string.
            // An ASL Catch written against the simple name would never match in AWS, so we must not
            // be nicer here.
            ObjectNode err =
                    json.createObjectNode()
                            .put("errorType", e.getClass().getName())
                            .put("errorMessage", e.getMessage());
            System.out.println(
                    "[lambda-host] "
                            + cfg.name()
                            + " "
                            + requestId
                            + " failed: "
                            + e.getClass().getName()
                            + ": "
                            + e.getMessage());
            try {
                return new Result(json.writeValueAsBytes(err), true);
            } catch (IOException io) {
                throw new IllegalStateException(io);
            }
        }
    }

    /**
     * The sandbox of a function: the template's environment plus the credentials endpoint and
     * overrides.
     */
    private Sandbox.Spec spec(FunctionConfig cfg) {
        Map<String, String> env = new LinkedHashMap<>(cfg.environment());
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", containerCredentialsUri.toString());
        String handler = cfg.handler();
        Path extraClassPath = null;
        if (invokeFaults.takeInitCrash(cfg.name())) {
            handler = CrashingInit.class.getName();
            extraClassPath = CrashingInit.classDirectory();
        }
        return new Sandbox.Spec(
                cfg.name(),
                handler,
                cfg.timeoutSeconds(),
                cfg.memoryMb(),
                cfg.codeRoot(),
                env,
                extraClassPath);
    }
}
