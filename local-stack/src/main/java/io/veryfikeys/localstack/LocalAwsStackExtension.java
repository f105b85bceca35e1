package io.veryfikeys.localstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code @ExtendWith(LocalAwsStackExtension.class)}: injects a {@link LocalAwsStack} into test
 * constructors, test methods and lifecycle methods. One stack per test JVM: it lives in the root
 * context's store and is closed when the whole run ends, failures included.
 */
public final class LocalAwsStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(LocalAwsStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == LocalAwsStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Optional<LocalStackTemplate> ann =
                c.getTestClass()
                        .flatMap(
                                cls ->
                                        AnnotationSupport.findAnnotation(
                                                cls, LocalStackTemplate.class));
        Path template =
                ann.map(a -> Path.of(a.value()))
                        .or(
                                () ->
                                        Optional.ofNullable(
                                                        System.getProperty("localstack.template"))
                                                .map(Path::of))
                        .orElseGet(LocalAwsStackExtension::findTemplate)
                        .toAbsolutePath()
                        .normalize();
        Map<String, String> overrides = new LinkedHashMap<>();
        ann.ifPresent(
                a -> {
                    for (String kv : a.parameters()) {
                        int eq = kv.indexOf('=');
                        if (eq < 0)
                            throw new ParameterResolutionException(
                                    "parameter override must be Name=Value: " + kv);
                        overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                });
        String key = template + " " + overrides;
        Holder h =
                c.getRoot()
                        .getStore(NS)
                        .getOrComputeIfAbsent(
                                key,
                                k -> {
                                    LocalAwsStack.current()
                                            .ifPresent(
                                                    other -> {
                                                        throw new ParameterResolutionException(
                                                                "this JVM already runs a LocalAwsStack for another template "
                                                                        + "or parameters ("
                                                                        + other.template().path()
                                                                        + "); one per JVM");
                                                    });
                                    return new Holder(LocalAwsStack.start(template, overrides));
                                },
                                Holder.class);
        return h.stack;
    }

    /** Walks up from the working directory to the first directory containing template.yaml. */
    public static Path findTemplate() {
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            Path t = d.resolve("template.yaml");
            if (Files.isRegularFile(t)) return t;
        }
        throw new ParameterResolutionException(
                "no template.yaml in " + start + " or any parent directory");
    }

    @SuppressWarnings(
            "deprecation") // CloseableResource for JUnit < 5.13; AutoCloseable is what 5.13+ closes
    private record Holder(LocalAwsStack stack)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stack.close();
        }
    }
}
