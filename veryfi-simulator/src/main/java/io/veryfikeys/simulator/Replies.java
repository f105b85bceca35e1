package io.veryfikeys.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/** How the simulator answers, on the key API and the admin API alike. */
final class Replies {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Replies() {}

    /** Veryfi's error body. */
    static ObjectNode error(String code, String message) {
        return MAPPER.createObjectNode()
                .put("status", "fail")
                .put("code", code)
                .put("message", message);
    }

    /**
     * A JSON answer with a trace id, as Veryfi sends; a null body (or 204) sends none. Closes the
     * exchange.
     */
    static void json(HttpExchange ex, int status, JsonNode body, Map<String, String> headers)
            throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("x-veryfi-trace-id", UUID.randomUUID().toString());
        headers.forEach(h::set);
        if (body == null || status == 204) {
            ex.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = MAPPER.writeValueAsBytes(body);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        json(ex, status, body, Map.of());
    }

    /**
     * Closes the connection without writing a single byte. com.sun.net.httpserver's {@code
     * ExchangeImpl.close()} closes the underlying socket when {@code sendResponseHeaders} was never
     * called ("the wrapper output stream is not set up"), so the client reads EOF before any status
     * line and its HttpClient fails with an IOException. {@code
     * FaultTest.dropClosesTheConnectionWithoutResponseAndChangesNothing} verifies this. (Declaring
     * a length and closing early would instead leak a status line to the client.)
     */
    static void drop(HttpExchange ex) {
        ex.close();
    }

    /** Reveals at most the first 4 characters. */
    static String mask(String value) {
        return value.length() <= 4 ? "****" : value.substring(0, 4) + "****";
    }
}
