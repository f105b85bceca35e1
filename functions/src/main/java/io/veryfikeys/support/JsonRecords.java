package io.veryfikeys.support;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.FormattingStyle;
import com.google.gson.stream.JsonWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our records to and from JSON, in the shapes databind gave them: a record is an object of its
 * components in declaration order, null members written as {@code null} (left out for an {@link
 * OmitsNulls} record), an enum is its name (or its {@link JsonWord#word()}), a URI its text.
 * Reading is as lenient as databind's defaults where the state machine builds the input (unknown
 * fields ignored, a missing member null or zero, a number where text is expected read as its text)
 * and refuses anything else with the path where it went wrong.
 *
 * <p>Why not databind: reading one handler's event into our records and writing it back took a
 * fresh JVM 430 ms more than reading the file alone; with this binder and {@link JsonTree}, 190 ms
 * more (issue 18; {@code farm-bench}, in
 * benchmarks/results/2026-12-03-issue-18-json-without-objectmapper.md). This covers the types our
 * payloads use and refuses any other, so that a new payload type fails in a unit test, not in AWS.
 * {@code JsonRecordsTest} checks each handler's event against databind, byte for byte.
 */
public final class JsonRecords {
    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    private JsonRecords() {}

    /** A record whose null members are left out when written, not written as {@code null}. */
    public interface OmitsNulls {}

    /**
     * A record read leniently even where its reader is strict: one that another system writes and
     * may add to (a Step Functions Catch's {@code Error} and {@code Cause}).
     */
    public interface IgnoresUnknown {}

    /**
     * An enum written as a word of its own, not its name; reading finds the constant whose word
     * matches.
     */
    public interface JsonWord {
        String word();
    }

    /** Input that does not fit the type at {@link #path()}; the message never holds the input. */
    public static final class Mismatch extends RuntimeException {
        private final String path;

        Mismatch(String path, String why) {
            super(why + " at " + path);
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    /** A member that the record does not have, where the reader is strict. */
    public static final class UnknownField extends RuntimeException {
        private final String name;
        private final List<String> known;

        UnknownField(String name, List<String> known) {
            super("unknown field");
            this.name = name;
            this.known = known;
        }

        public String name() {
            return name;
        }

        public List<String> known() {
            return known;
        }
    }

    /**
     * Reads {@code node} as {@code type}; {@code strict} refuses members the records do not have.
     */
    public static <T> T read(JsonNode node, Class<T> type, boolean strict) {
        return type.cast(read(node, type, strict, "$"));
    }

    public static <T> T read(JsonNode node, Class<T> type) {
        return read(node, type, false);
    }

    public static String text(Object value) {
        java.io.StringWriter out = new java.io.StringWriter();
        write(value, JsonTree.writer(out));
        return out.toString();
    }

    /**
     * Indented two spaces a level, for a person to read (an email). Gson's layout: an array's items
     * on lines of their own, where databind's default pretty printer kept them on one.
     */
    public static String prettyText(Object value) {
        java.io.StringWriter out = new java.io.StringWriter();
        JsonWriter writer = JsonTree.writer(out);
        writer.setFormattingStyle(FormattingStyle.PRETTY);
        write(value, writer);
        return out.toString();
    }

    public static byte[] bytes(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    /** Writes {@code value} to {@code out} as UTF-8 and leaves {@code out} open. */
    public static void write(Object value, OutputStream out) {
        write(
                value,
                JsonTree.writer(
                        new java.io.OutputStreamWriter(
                                out, java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void write(Object value, JsonWriter writer) {
        try {
            write(writer, value);
            writer.flush(); // not close: that would close what it writes to
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(JsonWriter writer, Object value) throws IOException {
        // An if chain, not a pattern switch: a type switch is bootstrapped through method handles,
        // tens of milliseconds in a fresh JVM.
        if (value == null) {
            writer.nullValue();
        } else if (value instanceof String s) {
            writer.value(s);
        } else if (value instanceof Integer i) {
            writer.value(i);
        } else if (value instanceof Long l) {
            writer.value(l);
        } else if (value instanceof Boolean b) {
            writer.value(b);
        } else if (value instanceof Double d) {
            JsonTree.number(writer, d);
        } else if (value instanceof BigDecimal d) {
            writer.value(d);
        } else if (value instanceof BigInteger i) {
            writer.value(i);
        } else if (value instanceof JsonNode node) {
            JsonTree.write(writer, node);
        } else if (value instanceof JsonWord word) {
            writer.value(word.word());
        } else if (value instanceof Enum<?> e) {
            writer.value(e.name());
        } else if (value instanceof URI uri) {
            writer.value(uri.toString());
        } else if (value instanceof Map<?, ?> map) {
            writer.beginObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                writer.name(key(entry.getKey()));
                write(writer, entry.getValue());
            }
            writer.endObject();
        } else if (value instanceof Collection<?> items) {
            writer.beginArray();
            for (Object item : items) {
                write(writer, item);
            }
            writer.endArray();
        } else if (value instanceof Record record) {
            Shape shape = shape(record.getClass());
            writer.beginObject();
            for (Member member : shape.members) {
                Object memberValue = member.get(record);
                if (memberValue == null && shape.omitsNulls) {
                    continue;
                }
                writer.name(member.name);
                write(writer, memberValue);
            }
            writer.endObject();
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static String key(Object key) {
        if (key instanceof JsonWord word) {
            return word.word();
        }
        return key instanceof Enum<?> e ? e.name() : String.valueOf(key);
    }

    private static Object read(JsonNode node, Type type, boolean strict, String path) {
        Class<?> raw = raw(type);
        if (raw == JsonNode.class) {
            return node; // an explicit null is a NullNode, as databind gives
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return zero(raw);
        }
        if (raw == String.class) {
            if (node.isValueNode()) {
                return node.asText();
            }
            throw new Mismatch(path, "expected text");
        }
        if (raw == long.class || raw == Long.class) {
            return whole(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) whole(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw == double.class || raw == Double.class) {
            return number(node, path).doubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isTextual()
                    && ("true".equals(node.textValue()) || "false".equals(node.textValue()))) {
                return Boolean.parseBoolean(node.textValue());
            }
            throw new Mismatch(path, "expected true or false");
        }
        if (raw == URI.class) {
            if (!node.isTextual()) {
                throw new Mismatch(path, "expected a URI");
            }
            try {
                return new URI(node.textValue());
            } catch (java.net.URISyntaxException e) {
                throw new Mismatch(path, "expected a URI");
            }
        }
        if (raw.isEnum()) {
            if (!node.isTextual()) {
                throw new Mismatch(path, "expected one of " + List.of(raw.getEnumConstants()));
            }
            for (Object constant : raw.getEnumConstants()) {
                String word =
                        constant instanceof JsonWord w ? w.word() : ((Enum<?>) constant).name();
                if (word.equals(node.textValue())) {
                    return constant;
                }
            }
            throw new Mismatch(path, "not a " + raw.getSimpleName());
        }
        if (raw == List.class || raw == Collection.class || raw == java.util.Set.class) {
            if (!node.isArray()) {
                throw new Mismatch(path, "expected an array");
            }
            Type item = argument(type, 0);
            Collection<Object> items =
                    raw == java.util.Set.class ? new LinkedHashSet<>() : new ArrayList<>();
            int i = 0;
            for (JsonNode element : node) {
                items.add(read(element, item, strict, path + "[" + i++ + "]"));
            }
            return items;
        }
        if (raw == Map.class) {
            if (!node.isObject()) {
                throw new Mismatch(path, "expected an object");
            }
            Type value = argument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                map.put(
                        field.getKey(),
                        read(field.getValue(), value, strict, path + "." + field.getKey()));
            }
            return map;
        }
        if (raw == Object.class) {
            return natural(node);
        }
        if (raw.isRecord()) {
            if (!node.isObject()) {
                throw new Mismatch(path, "expected an object");
            }
            Shape shape = shape(raw);
            if (strict && !IgnoresUnknown.class.isAssignableFrom(raw)) {
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!shape.names.contains(name)) {
                        throw new UnknownField(name, shape.names.stream().sorted().toList());
                    }
                }
            }
            Object[] arguments = new Object[shape.members.size()];
            for (int i = 0; i < arguments.length; i++) {
                Member member = shape.members.get(i);
                arguments[i] =
                        read(node.get(member.name), member.type, strict, path + "." + member.name);
            }
            return shape.construct(arguments, path);
        }
        throw new IllegalArgumentException("no JSON form for " + type.getTypeName());
    }

    /**
     * A whole number: a fraction is cut off, as databind's default accepts a float for an int; one
     * out of the type's range is refused, not wrapped around.
     */
    private static long whole(JsonNode node, String path, long min, long max) {
        Number n = number(node, path);
        BigInteger whole =
                n instanceof BigDecimal d
                        ? d.toBigInteger()
                        : n instanceof BigInteger i
                                ? i
                                : n instanceof Double || n instanceof Float
                                        ? BigDecimal.valueOf(n.doubleValue()).toBigInteger()
                                        : BigInteger.valueOf(n.longValue());
        if (whole.compareTo(BigInteger.valueOf(min)) < 0
                || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new Mismatch(path, "number out of range");
        }
        return whole.longValue();
    }

    private static Number number(JsonNode node, String path) {
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw new Mismatch(path, "expected a number");
            }
        }
        throw new Mismatch(path, "expected a number");
    }

    /** What a member is when its JSON is missing or null: databind's defaults. */
    private static Object zero(Class<?> raw) {
        if (!raw.isPrimitive()) {
            return null;
        }
        if (raw == boolean.class) {
            return false;
        }
        if (raw == long.class) {
            return 0L;
        }
        if (raw == double.class) {
            return 0.0;
        }
        return 0;
    }

    /**
     * An {@code Object} member: maps, lists, text, numbers and booleans, as databind reads them.
     */
    private static Object natural(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(f -> map.put(f.getKey(), natural(f.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(natural(element)));
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.numberValue();
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof java.lang.reflect.WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        throw new IllegalArgumentException("no JSON form for " + type.getTypeName());
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p
                ? p.getActualTypeArguments()[index]
                : Object.class;
    }

    private static Shape shape(Class<?> type) {
        return SHAPES.computeIfAbsent(type, Shape::of);
    }

    private record Member(String name, Type type, Method accessor) {
        Object get(Object record) {
            try {
                return accessor.invoke(record);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw unwrap(e);
            }
        }
    }

    private record Shape(
            List<Member> members,
            java.util.Set<String> names,
            Constructor<?> constructor,
            boolean omitsNulls) {
        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            List<Member> members = new ArrayList<>(components.length);
            Class<?>[] parameters = new Class<?>[components.length];
            java.util.Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < components.length; i++) {
                Method accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                // A member whose JSON name is not a Java name ("Error" from a Step Functions
                // Catch) keeps databind's annotation, so both read it alike.
                JsonProperty renamed = accessor.getAnnotation(JsonProperty.class);
                String name = renamed != null ? renamed.value() : components[i].getName();
                members.add(new Member(name, components[i].getGenericType(), accessor));
                parameters[i] = components[i].getType();
                names.add(name);
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(parameters);
                constructor.setAccessible(true);
                return new Shape(
                        List.copyOf(members),
                        java.util.Set.copyOf(names),
                        constructor,
                        OmitsNulls.class.isAssignableFrom(type));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record without its canonical constructor", e);
            }
        }

        /**
         * A record that refuses its members (a compact constructor's check) is input that does not
         * fit, said with where; the refusal's own message may quote the input, so it is not passed
         * on, except an {@link InvalidInputException}, which is written not to.
         */
        Object construct(Object[] arguments, String path) {
            try {
                return constructor.newInstance(arguments);
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof InvalidInputException invalid) {
                    throw invalid;
                }
                throw new Mismatch(
                        path, "not a valid " + constructor.getDeclaringClass().getSimpleName());
            }
        }
    }

    private static RuntimeException unwrap(InvocationTargetException e) {
        return e.getCause() instanceof RuntimeException r
                ? r
                : new IllegalStateException(e.getCause());
    }
}
