package io.veryfikeys.localstack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veryfikeys.localstack.LambdaHost.FunctionConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handlers called in this JVM ({@link LambdaHost.Mode#IN_PROCESS}): one warm instance per function,
 * found from the handler string ({@code class} or {@code class::method}) as the Java runtime finds
 * it.
 */
final class InProcessHandlers {

    /** A warm handler instance and the way to call it. */
    private interface Instance {
        byte[] call(byte[] input, Context ctx) throws Exception;
    }

    private static final class HandlerInitException extends RuntimeException {
        HandlerInitException(Throwable cause) {
            super(cause);
        }
    }

    private final Map<String, Instance> warm = new ConcurrentHashMap<>();
    private final ClassLoader classLoader;
    private final ObjectMapper json;

    InProcessHandlers(ClassLoader classLoader, ObjectMapper json) {
        this.classLoader = classLoader;
        this.json = json;
    }

    /** Calls the function's warm instance, constructing it first on a cold start. */
    byte[] call(FunctionConfig cfg, byte[] input, String requestId) throws Exception {
        Instance inst = warm.computeIfAbsent(cfg.name(), k -> instantiate(cfg));
        return inst.call(input, new LocalContext(cfg, requestId));
    }

    void coldStart(String function) {
        warm.remove(function);
    }

    void coldStartAll() {
        warm.clear();
    }

    /**
     * What the handler itself threw: reflection and construction wrap it, and the runtime reports
     * the handler's exception, not the wrapper.
     */
    static Throwable thrownByHandler(Throwable t) {
        Throwable e = t;
        while ((e instanceof InvocationTargetException || e instanceof HandlerInitException)
                && e.getCause() != null) e = e.getCause();
        return e;
    }

    private Instance instantiate(FunctionConfig cfg) {
        String handler = cfg.handler();
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        String methodName = sep < 0 ? null : handler.substring(sep + 2);
        Object target;
        Class<?> cls;
        try {
            cls = Class.forName(className, true, classLoader);
            target = cls.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new HandlerInitException(e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new HandlerInitException(e);
        }
        if (methodName == null || methodName.equals("handleRequest")) {
            if (target instanceof RequestStreamHandler h) {
                return (in, ctx) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    h.handleRequest(new ByteArrayInputStream(in), out, ctx);
                    return out.toByteArray();
                };
            }
        }
        Method m =
                findMethod(
                        cls,
                        methodName == null ? "handleRequest" : methodName,
                        target instanceof RequestHandler<?, ?>);
        m.setAccessible(true);
        Class<?>[] p = m.getParameterTypes();
        if (p.length >= 2
                && InputStream.class.isAssignableFrom(p[0])
                && OutputStream.class.isAssignableFrom(p[1])) {
            return (in, ctx) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Object[] args =
                        p.length == 3
                                ? new Object[] {new ByteArrayInputStream(in), out, ctx}
                                : new Object[] {new ByteArrayInputStream(in), out};
                m.invoke(target, args);
                return out.toByteArray();
            };
        }
        JavaType inType =
                p.length == 0
                        ? null
                        : json.getTypeFactory().constructType(m.getGenericParameterTypes()[0]);
        boolean isVoid = m.getReturnType() == void.class;
        return (in, ctx) -> {
            Object[] args = new Object[p.length];
            if (p.length >= 1) {
                args[0] =
                        in.length == 0
                                ? null
                                : inType.getRawClass() == Object.class
                                        ? json.readValue(in, Object.class)
                                        : json.readValue(in, inType);
            }
            if (p.length >= 2) args[1] = ctx;
            Object result = m.invoke(target, args);
            return isVoid
                    ? "null".getBytes(StandardCharsets.UTF_8)
                    : json.writeValueAsBytes(result);
        };
    }

    /** The most specific non-bridge public method with that name taking (I) or (I, Context). */
    private static Method findMethod(Class<?> cls, String name, boolean requestHandler) {
        Method best = null;
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(name) || m.isBridge() || Modifier.isStatic(m.getModifiers()))
                continue;
            Class<?>[] p = m.getParameterTypes();
            boolean ok =
                    p.length == 1
                            || p.length == 2 && Context.class.isAssignableFrom(p[1])
                            || p.length == 3 && InputStream.class.isAssignableFrom(p[0]);
            if (!ok) continue;
            if (best == null || best.getParameterTypes()[0].isAssignableFrom(p[0])) best = m;
        }
        if (best == null)
            throw new HandlerInitException(
                    new NoSuchMethodException(
                            cls.getName()
                                    + "::"
                                    + name
                                    + (requestHandler
                                            ? ""
                                            : " (the class implements neither RequestHandler nor RequestStreamHandler)")));
        return best;
    }
}
