package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.AwsUnavailableException;
import io.veryfikeys.support.JsonTree;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One AWS service in its JSON protocol (Secrets Manager, Step Functions), called by our stores
 * ({@code AccountSecrets}, {@code StepFunctionsRotations}) through {@link SignedCall} instead of
 * the SDK's client. Requests and answers are the service's documented JSON, field for field (its
 * API reference names each operation's members), so a store reads as the API reference does.
 */
public final class JsonService {
    private final SignedCall calls;

    JsonService(SignedCall calls) {
        this.calls = calls;
    }

    /** An empty request to fill in. */
    public static ObjectNode request() {
        return JsonTree.object();
    }

    /**
     * Sends {@code operation} and returns the answer's body.
     *
     * @param what names the call in errors and says nothing secret ({@code Secrets Manager
     *     GetSecretValue veryfi/acme})
     * @param logged fields the {@code aws.call} line adds (ids, never values)
     * @throws AwsCallFailedException when AWS refused the call (its error code in {@link
     *     AwsCallFailedException#errorCode()})
     * @throws AwsUnavailableException when AWS did not answer usefully within the attempts or the
     *     invocation's time
     */
    public JsonNode call(String operation, String what, ObjectNode request, Object... logged) {
        SignedCall.Answer answer = calls.call(operation, what, JsonTree.bytes(request), logged);
        if (answer.status() != 200) {
            throw SignedCall.refused(what, answer);
        }
        return answer.body();
    }

    /**
     * The items of a paginated operation (each page's {@code itemsField} array: {@code SecretList},
     * {@code events}), a page asked for only when the stream is read that far: the request again
     * with the previous page's {@code tokenField} ({@code NextToken} in Secrets Manager, {@code
     * nextToken} in Step Functions) until a page has none.
     */
    public Stream<JsonNode> items(
            String operation,
            String what,
            ObjectNode request,
            String tokenField,
            String itemsField) {
        return pages(operation, what, request, tokenField)
                .flatMap(page -> StreamSupport.stream(page.path(itemsField).spliterator(), false));
    }

    private Stream<JsonNode> pages(
            String operation, String what, ObjectNode request, String tokenField) {
        Iterator<JsonNode> pages =
                new Iterator<>() {
                    private String token;
                    private boolean first = true;

                    @Override
                    public boolean hasNext() {
                        return first || token != null;
                    }

                    @Override
                    public JsonNode next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        ObjectNode page = request.deepCopy();
                        if (token != null) {
                            page.put(tokenField, token);
                        }
                        first = false;
                        JsonNode answer = call(operation, what, page);
                        JsonNode next = answer.get(tokenField);
                        token =
                                next != null && next.isTextual() && !next.asText().isEmpty()
                                        ? next.asText()
                                        : null;
                        return answer;
                    }
                };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED), false);
    }
}
