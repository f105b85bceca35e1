package io.veryfikeys.consumers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.Json;
import io.veryfikeys.support.SsmParameters;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where each account's consumers are listed: an SSM parameter named {@code <prefix>/<secret name>}
 * holding {@code {"consumers":[{"name":"payroll-api","healthUrl":"https://..."}]}}. An empty list
 * is allowed (consumers that read the secret on every call); a missing parameter is not,
 * because a forgotten registry would let a rotation delete a key still in use.
 */
public final class ConsumerRegistry {
    static final int MAX_CONSUMERS = 50;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Supplier<SsmParameters> ssm;

    public ConsumerRegistry(Supplier<SsmParameters> ssm) {
        this.ssm = ssm;
    }

    /** The registry of {@code secretName} under {@code prefix} (the template's ConsumerRegistryPrefix). */
    public static String parameterName(String prefix, String secretName) {
        return (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix) + "/" + secretName;
    }

    public List<Consumer> consumersOf(String prefix, String secretName) {
        String parameter = parameterName(prefix, secretName);
        String document = ssm.get().get(parameter).orElseThrow(() -> new InvalidConsumerRegistryException(
                "no consumer registry for " + secretName + ": create SSM parameter " + parameter
                        + " (an empty {\"consumers\":[]} is allowed)"));
        return parse(parameter, document);
    }

    /** Validates a registry document; every error names the parameter and the entry at fault. */
    public static List<Consumer> parse(String where, String document) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(document);
        } catch (Exception e) {
            throw new InvalidConsumerRegistryException(where + " is not valid JSON");
        }
        JsonNode list = root == null ? null : root.get("consumers");
        if (list == null || !list.isArray()) {
            throw new InvalidConsumerRegistryException(where + ": expected {\"consumers\":[{\"name\":...,\"healthUrl\":...}]}");
        }
        if (list.size() > MAX_CONSUMERS) {
            throw new InvalidConsumerRegistryException(where + ": at most " + MAX_CONSUMERS + " consumers, found " + list.size());
        }
        List<Consumer> consumers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String name = entry.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidConsumerRegistryException(where + ": consumers[" + i
                        + "].name must be 1-64 letters, digits, '.', '_' or '-'");
            }
            if (!names.add(name)) {
                throw new InvalidConsumerRegistryException(where + ": consumer name " + name + " appears twice");
            }
            consumers.add(new Consumer(name, healthUrl(where, i, entry.path("healthUrl").asText(""))));
        }
        return List.copyOf(consumers);
    }

    private static URI healthUrl(String where, int index, String text) {
        try {
            URI uri = new URI(text);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new InvalidConsumerRegistryException(where + ": consumers[" + index
                + "].healthUrl must be an absolute http(s) URL without credentials");
    }
}
