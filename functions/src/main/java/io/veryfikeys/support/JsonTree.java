package io.veryfikeys.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Gson's streaming reader and writer. The tree classes are Jackson
 * databind's ({@link JsonNode}, {@link ObjectNode}), which the rest of the code works with; only
 * the text in and out goes through Gson.
 *
 * <p>Why not Jackson's own parser and generator: their first use costs a fresh JVM about 65 ms (the
 * {@code JsonFactory}'s symbol tables and buffer recyclers, 80-odd classes, and on JDK 25 a
 * BigDecimal table that jackson-core's parser base initialises), against 13 ms for Gson's reader
 * and writer; Plan and Reset without SnapStart sat at the 5× line of issue 18 by about that much
 * (farm-bench, in benchmarks/results/2026-12-03-issue-18-gson-streaming.md). An ObjectMapper cost
 * far more again (the earlier slice's results, 2026-12-03-issue-18-json-without-objectmapper.md).
 *
 * <p>What is read is what Jackson's default {@code readTree} read, which {@code JsonTreeTest}
 * checks against it: strict RFC 8259 JSON, the first value only, an int, long or BigInteger for a
 * whole number and a double for any other, the last of duplicate members kept. The text written is
 * what {@code writeValueAsString} wrote for the same tree, but for Gson's escapes of U+2028 and
 * U+2029 and its lower-case hex digits in the escapes of control characters, both still the same
 * JSON.
 *
 * <p>Never call {@link JsonNode#toString()} in the functions: databind's nodes print themselves
 * through an internal ObjectMapper. Use {@link #text(JsonNode)}.
 */
public final class JsonTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Jackson's default limit on a number's digits (StreamReadConstraints), kept. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private JsonTree() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Text that is not JSON; says where it went wrong, never what was there. */
    public static final class NotJsonException extends IOException {
        private final String path;

        NotJsonException(String why, String path) {
            super(why + " at " + path);
            this.path = path;
        }

        /** Where reading stopped, as a JSON path ({@code $.a[2]}): names, never values. */
        public String path() {
            return path;
        }
    }

    /**
     * The first JSON value in {@code json}, which must be UTF-8; what follows it is not read, as
     * ObjectMapper's default. An empty input is a {@code MissingNode}, as {@code readTree} gives.
     */
    public static JsonNode parse(byte[] json) throws NotJsonException {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(json))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new NotJsonException("not UTF-8", "$");
        }
        return parse(text);
    }

    public static JsonNode parse(String json) throws NotJsonException {
        // A byte order mark is not JSON, but Jackson skipped one.
        JsonReader reader =
                new JsonReader(
                        new StringReader(json.startsWith("\uFEFF") ? json.substring(1) : json));
        reader.setStrictness(Strictness.STRICT);
        try {
            try {
                reader.peek();
            } catch (EOFException e) {
                return NODES.missingNode();
            }
            return value(reader);
        } catch (NotJsonException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson's own message is left out: it is not ours to vouch that it never quotes input.
            throw new NotJsonException("not valid JSON", reader.getPath());
        }
    }

    private static JsonNode value(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    object.set(name, value(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(value(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return NODES.textNode(reader.nextString());
            }
            case NUMBER -> {
                String path = reader.getPath(); // before: reading moves it on
                return number(reader.nextString(), path);
            }
            case BOOLEAN -> {
                return NODES.booleanNode(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return NODES.nullNode();
            }
            default -> throw new NotJsonException("not valid JSON", reader.getPath());
        }
    }

    /** As Jackson typed a number: int, long or BigInteger when whole, otherwise a double. */
    private static JsonNode number(String literal, String path) throws NotJsonException {
        if (literal.length() > MAX_NUMBER_LENGTH) {
            throw new NotJsonException(
                    "a number longer than " + MAX_NUMBER_LENGTH + " characters", path);
        }
        boolean whole =
                literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0;
        if (!whole) {
            return NODES.numberNode(Double.parseDouble(literal));
        }
        if (literal.length() <= 18) { // at most 18 digits always fits a long
            long value = Long.parseLong(literal);
            return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
        }
        BigInteger value = new BigInteger(literal);
        return value.bitLength() < 64
                ? NODES.numberNode(value.longValue())
                : NODES.numberNode(value);
    }

    /** The tree as compact JSON text, as {@code ObjectMapper.writeValueAsString} writes it. */
    public static String text(JsonNode node) {
        StringWriter out = new StringWriter();
        write(node, out);
        return out.toString();
    }

    public static byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(node, out);
        return out.toByteArray();
    }

    /** Writes {@code node} to {@code out} as UTF-8 and leaves {@code out} open. */
    public static void write(JsonNode node, OutputStream out) {
        write(node, new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    private static void write(JsonNode node, Writer out) {
        try {
            JsonWriter writer = writer(out);
            write(writer, node);
            writer.flush(); // not close: that would close out
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A compact writer to {@code out}, nulls written, nothing HTML-escaped: Jackson's defaults. */
    public static JsonWriter writer(Writer out) {
        JsonWriter writer = new JsonWriter(out);
        writer.setSerializeNulls(true);
        writer.setHtmlSafe(false);
        return writer;
    }

    public static void write(JsonWriter writer, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                writer.beginObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    writer.name(field.getKey());
                    write(writer, field.getValue());
                }
                writer.endObject();
            }
            case ARRAY -> {
                writer.beginArray();
                for (JsonNode element : node) {
                    write(writer, element);
                }
                writer.endArray();
            }
            case STRING -> writer.value(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT, LONG -> writer.value(node.longValue());
                    case BIG_INTEGER -> writer.value(node.bigIntegerValue());
                    case BIG_DECIMAL -> writer.value(node.decimalValue());
                    case FLOAT -> number(writer, node.floatValue());
                    default -> number(writer, node.doubleValue());
                }
            }
            case BOOLEAN -> writer.value(node.booleanValue());
            case NULL, MISSING -> writer.nullValue();
            default ->
                    throw new IllegalArgumentException(
                            "cannot write a " + node.getNodeType() + " JSON node");
        }
    }

    /**
     * A double as Jackson wrote it: its shortest text, or quoted when it is not a number JSON can
     * hold (NaN, the infinities), where Gson would refuse it.
     */
    public static void number(JsonWriter writer, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            writer.value(Double.toString(value));
        } else {
            writer.value(value);
        }
    }

    private static void number(JsonWriter writer, float value) throws IOException {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            writer.value(Float.toString(value));
        } else {
            writer.value(value);
        }
    }
}
