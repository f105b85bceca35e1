package io.veryfikeys.localstack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The forms a caller may name a function in (a plain name, {@code name:qualifier}, a partial ARN
 * {@code account:function:name[:qualifier]} or a full ARN), since Step Functions and the SDK use
 * all of them, and the ARNs the host answers with.
 */
final class FunctionNames {
    private FunctionNames() {}

    /** The registered name the caller meant. */
    static String name(String raw) {
        String s = withoutArnPrefix(raw);
        int colon = s.indexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    /**
     * The qualifier of an Invoke: {@code name:qualifier} in the path, else the {@code Qualifier}
     * query parameter.
     */
    static String qualifier(String rawName, String rawQuery) {
        String s = withoutArnPrefix(rawName);
        int colon = s.indexOf(':');
        if (colon >= 0) return s.substring(colon + 1);
        if (rawQuery != null) {
            for (String kv : rawQuery.split("&")) {
                if (kv.startsWith("Qualifier="))
                    return URLDecoder.decode(
                            kv.substring("Qualifier=".length()), StandardCharsets.UTF_8);
            }
        }
        return "$LATEST";
    }

    /**
     * {@code name[:qualifier]}: what follows {@code :function:} in an ARN, or the name as given.
     */
    static String withoutArnPrefix(String raw) {
        int fn = raw.indexOf(":function:");
        return fn < 0 ? raw : raw.substring(fn + ":function:".length());
    }

    static String arn(String nameAndQualifier) {
        return "arn:aws:lambda:"
                + LocalAwsStack.REGION
                + ":"
                + LocalAwsStack.ACCOUNT_ID
                + ":function:"
                + nameAndQualifier;
    }
}
