package io.veryfikeys.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Jackson's streaming parser and generator, without an
 * ObjectMapper. The tree classes are databind's ({@link JsonNode}, {@link ObjectNode}), but an
 * ObjectMapper's construction and its serializer and deserializer machinery are what a fresh JVM
 * paid for: about 630 classes and 270 ms before the first answer (issue 18's measurement, in
 * benchmarks/results/2026-12-03-issue-18-json-without-objectmapper.md). Reading and writing here
 * gives the same trees and the same text as {@code ObjectMapper.readTree} and {@code
 * writeValueAsString}, which {@code JsonTreeTest} checks against databind.
 *
 * <p>Never call {@link JsonNode#toString()} in the functions: databind's nodes print themselves
 * through an internal ObjectMapper. Use {@link #text(JsonNode)}.
 */
public final class JsonTree {
    public static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * The first JSON value in {@code json}; what follows it is not read, as ObjectMapper's default.
     * An empty input is a {@code MissingNode}, as {@code readTree} gives.
     */
    public static JsonNode parse(byte[] json) throws JsonProcessingException {
        return parse(() -> FACTORY.createParser(json));
    }

    public static JsonNode parse(String json) throws JsonProcessingException {
        return parse(() -> FACTORY.createParser(json));
    }

    private interface Source {
        JsonParser open() throws IOException;
    }

    private static JsonNode parse(Source source) throws JsonProcessingException {
        try (JsonParser parser = source.open()) {
            return parse(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        return first == null ? NODES.missingNode() : value(parser, first);
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; ) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                    t = parser.nextToken();
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; ) {
                    array.add(value(parser, t));
                    t = parser.nextToken();
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default ->
                    throw new IllegalStateException(
                            "unexpected JSON token " + token); // unreachable
        }
    }

    /** The tree as compact JSON text, as {@code ObjectMapper.writeValueAsString} writes it. */
    public static String text(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(node, out);
        return out.toByteArray();
    }

    /** Writes {@code node} to {@code out} and leaves {@code out} open. */
    public static void write(JsonNode node, OutputStream out) {
        try (JsonGenerator generator =
                FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    generator.writeFieldName(field.getKey());
                    write(generator, field.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
                    case FLOAT -> generator.writeNumber(node.floatValue());
                    default -> generator.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL, MISSING -> generator.writeNull();
            default ->
                    throw new IllegalArgumentException(
                            "cannot write a " + node.getNodeType() + " JSON node");
        }
    }
}
