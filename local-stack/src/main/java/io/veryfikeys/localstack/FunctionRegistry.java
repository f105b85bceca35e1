package io.veryfikeys.localstack;

import io.veryfikeys.localstack.LambdaHost.FunctionConfig;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The functions the host serves, by name: what the template says, or what a test set instead. */
final class FunctionRegistry {
    private final Map<String, FunctionConfig> functions = new ConcurrentHashMap<>();

    void register(FunctionConfig config) {
        functions.put(config.name(), config);
    }

    /** Null when there is no such function. */
    FunctionConfig get(String name) {
        return functions.get(name);
    }

    Map<String, FunctionConfig> all() {
        return Map.copyOf(functions);
    }

    /** In name order, as ListFunctions lists them. */
    Collection<FunctionConfig> byName() {
        return new TreeMap<>(functions).values();
    }

    /** Gives the function another timeout and returns its previous configuration. */
    FunctionConfig retime(String name, int timeoutSeconds) {
        FunctionConfig c = functions.get(name);
        if (c == null) throw new IllegalArgumentException("no function " + name);
        functions.put(
                name,
                new FunctionConfig(
                        c.name(),
                        c.handler(),
                        timeoutSeconds,
                        c.memoryMb(),
                        c.snapStart(),
                        c.codeRoot(),
                        c.environment()));
        return c;
    }
}
