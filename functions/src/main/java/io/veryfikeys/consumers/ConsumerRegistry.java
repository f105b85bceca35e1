package io.veryfikeys.consumers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Parameters;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where each account's consumers are listed: an SSM parameter named {@code <prefix>/<secret name>}
 * holding {@code {"consumers":[{"name":"payroll-api","healthUrl":"https://..."}]}}. The registry
 * decides what is checked before an old key is deleted, so nothing in it is taken for granted: an
 * empty list must say why ({@code "noConsumers": "<why>"}: an empty list alone may be a mistake), a
 * missing parameter refuses the rotation (a forgotten registry would let it delete a key still in
 * use), and a health URL may not point at the function's own surroundings (ConsumerAddresses).
 */
public final class ConsumerRegistry {
    static final int MAX_CONSUMERS = 50;
    static final int MIN_CHECK_IN_AGE = 60;
    static final int MAX_CHECK_IN_AGE = 86_400;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Supplier<? extends Parameters> ssm;

    public ConsumerRegistry(Supplier<? extends Parameters> ssm) {
        this.ssm = ssm;
    }

    /**
     * The registry of {@code secretName} under {@code prefix} (the template's
     * ConsumerRegistryPrefix).
     */
    public static String parameterName(String prefix, String secretName) {
        return (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
                + "/"
                + secretName;
    }

    /**
     * The consumers listed for {@code secretName}, validated, without resolving any health URL's
     * host: what an operator's confirmation checks against (it asks no consumer).
     */
    public List<Consumer> listed(String prefix, String secretName) {
        String parameter = parameterName(prefix, secretName);
        String document =
                ssm.get()
                        .get(parameter)
                        .orElseThrow(
                                () ->
                                        new InvalidConsumerRegistryException(
                                                "no consumer registry for "
                                                        + secretName
                                                        + ": create SSM parameter "
                                                        + parameter
                                                        + " (an empty {\"consumers\":[]} is allowed)"));
        return parse(parameter, document).stream().map(c -> c.listedBy(secretName)).toList();
    }

    public List<Consumer> consumersOf(String prefix, String secretName) {
        String parameter = parameterName(prefix, secretName);
        List<Consumer> consumers = listed(prefix, secretName);
        // Names are resolved here, when the registry is read for a rotation, and again before each
        // call.
        boolean loopback = ConsumerAddresses.loopbackAllowed();
        for (int i = 0; i < consumers.size(); i++) {
            if (consumers.get(i).healthUrl() == null) {
                continue;
            }
            String host = consumers.get(i).healthUrl().getHost();
            int index = i;
            ConsumerAddresses.problemWithHost(host, loopback)
                    .ifPresent(
                            problem -> {
                                throw new InvalidConsumerRegistryException(
                                        parameter
                                                + ": consumers["
                                                + index
                                                + "].healthUrl: "
                                                + problem
                                                + "; refused");
                            });
        }
        return consumers;
    }

    /** Validates a registry document; every error names the parameter and the entry at fault. */
    public static List<Consumer> parse(String where, String document) {
        JsonNode root;
        try {
            root = JsonTree.parse(document);
        } catch (Exception e) {
            throw new InvalidConsumerRegistryException(where + " is not valid JSON");
        }
        JsonNode list = root == null ? null : root.get("consumers");
        if (list == null || !list.isArray()) {
            throw new InvalidConsumerRegistryException(
                    where + ": expected {\"consumers\":[{\"name\":...,\"healthUrl\":...}]}");
        }
        root.fieldNames()
                .forEachRemaining(
                        field -> {
                            if (!field.equals("consumers") && !field.equals("noConsumers")) {
                                throw new InvalidConsumerRegistryException(
                                        where
                                                + ": unknown member "
                                                + field
                                                + " (known: consumers, noConsumers)");
                            }
                        });
        JsonNode why = root.get("noConsumers");
        if (list.isEmpty()
                && (why == null
                        || !why.isTextual()
                        || why.asText().isBlank()
                        || why.asText().length() > 200)) {
            throw new InvalidConsumerRegistryException(
                    where
                            + ": an empty consumer list must say why nobody needs"
                            + " checking before an old key is deleted: add \"noConsumers\": \"<why>\" (up to 200 characters,"
                            + " for instance \"every consumer reads the secret on each call\")");
        }
        if (!list.isEmpty() && why != null) {
            throw new InvalidConsumerRegistryException(
                    where + ": noConsumers is only for an empty consumer list");
        }
        if (list.size() > MAX_CONSUMERS) {
            throw new InvalidConsumerRegistryException(
                    where + ": at most " + MAX_CONSUMERS + " consumers, found " + list.size());
        }
        List<Consumer> consumers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String name = entry.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidConsumerRegistryException(
                        where
                                + ": consumers["
                                + i
                                + "].name must be 1-64 letters, digits, '.', '_' or '-'");
            }
            if (!names.add(name)) {
                throw new InvalidConsumerRegistryException(
                        where + ": consumer name " + name + " appears twice");
            }
            consumers.add(entry(where, i, name, entry));
        }
        return List.copyOf(consumers);
    }

    /** One entry's contract and the parameters that contract takes, and no others. */
    private static Consumer entry(String where, int i, String name, JsonNode entry) {
        String at = where + ": consumers[" + i + "] (" + name + ")";
        JsonNode word = entry.get("contract");
        if (word != null && !word.isTextual()) {
            throw new InvalidConsumerRegistryException(at + ": contract must be a string");
        }
        Contract contract =
                word == null
                        ? Contract.HTTP
                        : Contract.of(word.asText())
                                .orElseThrow(
                                        () ->
                                                new InvalidConsumerRegistryException(
                                                        at
                                                                + ": unknown contract "
                                                                + word.asText()
                                                                + " (known: http, check-in,"
                                                                + " manual)"));
        Set<String> allowed =
                switch (contract) {
                    case HTTP -> Set.of("name", "contract", "description", "healthUrl");
                    case CHECK_IN -> Set.of("name", "contract", "description", "maxAgeSeconds");
                    case MANUAL -> Set.of("name", "contract", "description");
                };
        entry.fieldNames()
                .forEachRemaining(
                        field -> {
                            if (!allowed.contains(field)) {
                                throw new InvalidConsumerRegistryException(
                                        at
                                                + ": "
                                                + field
                                                + " does not belong to contract "
                                                + contract.word()
                                                + " (it takes: "
                                                + String.join(
                                                        ", ", new java.util.TreeSet<>(allowed))
                                                + ")");
                            }
                        });
        return switch (contract) {
            case HTTP ->
                    new Consumer(name, healthUrl(where, i, entry.path("healthUrl").asText("")));
            case CHECK_IN -> {
                JsonNode age = entry.get("maxAgeSeconds");
                if (age == null
                        || !age.canConvertToInt()
                        || !age.isIntegralNumber()
                        || age.asInt() < MIN_CHECK_IN_AGE
                        || age.asInt() > MAX_CHECK_IN_AGE) {
                    throw new InvalidConsumerRegistryException(
                            at
                                    + ": a check-in consumer needs maxAgeSeconds, a whole number"
                                    + " from "
                                    + MIN_CHECK_IN_AGE
                                    + " to "
                                    + MAX_CHECK_IN_AGE
                                    + ": how old its last check-in may be and still count");
                }
                yield new Consumer(name, contract, null, age.asInt(), null);
            }
            case MANUAL -> new Consumer(name, contract, null, null, null);
        };
    }

    private static URI healthUrl(String where, int index, String text) {
        URI uri = null;
        try {
            uri = new URI(text);
        } catch (Exception e) {
            // reported below
        }
        if (uri == null
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getUserInfo() != null) {
            throw new InvalidConsumerRegistryException(
                    where
                            + ": consumers["
                            + index
                            + "].healthUrl must be an absolute http(s) URL without credentials");
        }
        URI checked = uri;
        ConsumerAddresses.literal(uri.getHost())
                .flatMap(
                        address ->
                                ConsumerAddresses.problemWith(
                                        address, ConsumerAddresses.loopbackAllowed()))
                .ifPresent(
                        problem -> {
                            throw new InvalidConsumerRegistryException(
                                    where
                                            + ": consumers["
                                            + index
                                            + "].healthUrl "
                                            + checked.getHost()
                                            + " is "
                                            + problem
                                            + "; refused");
                        });
        return uri;
    }
}
