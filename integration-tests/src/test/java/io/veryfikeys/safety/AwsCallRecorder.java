package io.veryfikeys.safety;

import io.veryfikeys.localstack.LambdaHost;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A global SDK interceptor (registered for the test JVM by
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}): every AWS call a handler
 * makes while the Lambda host runs it is recorded as an IAM action ({@code service:Operation})
 * under the function's logical id, and tagged with {@link LambdaHost#FUNCTION_HEADER} so that an
 * injected AWS fault can target one function. Calls made by the tests themselves (no function on
 * the thread) pass untouched.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
    private static final Map<String, Set<String>> CALLS = new ConcurrentHashMap<>();

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        Optional<String> function = LambdaHost.invokingFunction();
        if (function.isEmpty()) {
            return context.httpRequest();
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(function.get(), k -> ConcurrentHashMap.newKeySet()).add(iamPrefix(service) + ":" + operation);
        return context.httpRequest().toBuilder().putHeader(LambdaHost.FUNCTION_HEADER, function.get()).build();
    }

    /** The IAM service prefix of an SDK service name. */
    static String iamPrefix(String sdkServiceName) {
        String s = String.valueOf(sdkServiceName).toLowerCase(Locale.ROOT).replace(" ", "");
        if (s.contains("secretsmanager")) return "secretsmanager";
        if (s.equals("sfn") || s.contains("stepfunctions") || s.equals("states")) return "states";
        return s; // ssm, sns, sqs, lambda, ...
    }

    /** Function logical id → IAM actions its handler invoked so far in this JVM. */
    public static Map<String, Set<String>> recorded() {
        Map<String, Set<String>> copy = new TreeMap<>();
        CALLS.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
        return copy;
    }
}
