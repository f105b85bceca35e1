package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.consumers.CheckIn;
import io.veryfikeys.consumers.CheckIns;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.support.Log;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check-in table (the template's CheckInsTable), read with {@code
 * DynamoDB_20120810.BatchGetItem} as a {@link SignedCall}: the SDK's DynamoDbClient is 3 MB, a
 * third of the deployable, for one read. Strongly consistent, so a check-in written a moment ago
 * counts. The record format (written by the consumer library, {@code veryfi-keys confirm} and
 * ConfirmFunction ({@link #put}); README "Consumers"):
 *
 * <pre>
 * consumer  S  &lt;secret name&gt;#&lt;consumer name&gt;   (the table's key)
 * kind      S  check-in | manual
 * keyId     N  the Veryfi key id in use (never the key)
 * healthy   BOOL  its last Veryfi calls with that key succeeded
 * at        S  when, ISO-8601 UTC
 * by        S  who confirmed (manual: the caller's ARN)
 * expiresAt N  epoch seconds; DynamoDB's TTL removes the record after it
 * </pre>
 *
 * A record that does not have this shape counts as absent (the consumer has not moved), with a
 * warning naming it.
 */
public final class DynamoCheckIns implements CheckIns {
    static final SignedCall.Service DYNAMODB =
            new SignedCall.Service(
                    "DynamoDb", "dynamodb", "application/x-amz-json-1.0", "DynamoDB_20120810.");

    /** BatchGetItem's limit of keys per request. */
    static final int BATCH = 100;

    private static final Log log = Log.get(DynamoCheckIns.class);

    private final SignedCall calls;
    private final String table;

    public DynamoCheckIns(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            String table) {
        this(http, credentials, region, endpoint(region), 100, table);
    }

    DynamoCheckIns(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis,
            String table) {
        this.calls =
                new SignedCall(DYNAMODB, http, credentials, region, endpoint, backoffBaseMillis);
        this.table = table;
    }

    /**
     * The endpoint the SDK would use for DynamoDB ({@link SignedCall#endpoint}), for this table and
     * the request budget's.
     */
    static URI endpoint(Region region) {
        return SignedCall.endpoint(region, "dynamodb", "DYNAMODB", "DynamoDb");
    }

    @Override
    public Map<String, CheckIn> read(List<String> ids) {
        requireTable();
        Map<String, CheckIn> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> pending = ids.subList(from, Math.min(ids.size(), from + BATCH));
            // Unprocessed keys (throttling inside the batch) are asked again, twice; any left
            // count as absent: not moved, which only makes the rotation wait.
            for (int round = 0; round < 3 && !pending.isEmpty(); round++) {
                pending = readBatch(pending, found);
            }
        }
        return found;
    }

    /**
     * Writes an operator's confirmation (the console path, {@code ConfirmFunction}) with {@code
     * PutItem}: a retried write replaces the same record, so retrying is safe.
     */
    public void put(CheckIn record, Instant expiresAt) {
        requireTable();
        String what = "DynamoDB PutItem " + table;
        SignedCall.Answer answer =
                calls.call(
                        "PutItem",
                        what,
                        putItemRequest(table, record, expiresAt).getBytes(StandardCharsets.UTF_8),
                        "table",
                        table,
                        "consumer",
                        record.id());
        if (answer.status() != 200) {
            throw SignedCall.refused(what, answer);
        }
    }

    /**
     * The PutItem request for {@code record}, in the documented shape that {@link #record} reads.
     */
    static String putItemRequest(String table, CheckIn record, Instant expiresAt) {
        ObjectNode request = JsonTree.object();
        request.put("TableName", table);
        ObjectNode item = request.putObject("Item");
        item.putObject("consumer").put("S", record.id());
        item.putObject("kind").put("S", record.kind());
        item.putObject("keyId").put("N", Long.toString(record.keyId()));
        item.putObject("healthy").put("BOOL", record.healthy());
        item.putObject("at").put("S", record.at().toString());
        if (record.by() != null) {
            item.putObject("by").put("S", record.by());
        }
        item.putObject("expiresAt").put("N", Long.toString(expiresAt.getEpochSecond()));
        return JsonTree.text(request);
    }

    private void requireTable() {
        if (table == null || table.isBlank()) {
            throw new AwsCallFailedException(
                    "the registry names check-in or manual consumers, but this function has no"
                            + " CHECK_IN_TABLE (deploy the current template, which creates"
                            + " CheckInsTable)");
        }
    }

    private List<String> readBatch(List<String> ids, Map<String, CheckIn> found) {
        ObjectNode request = JsonTree.object();
        ObjectNode tableRequest = request.putObject("RequestItems").putObject(table);
        ArrayNode keys = tableRequest.putArray("Keys");
        ids.forEach(id -> keys.addObject().putObject("consumer").put("S", id));
        tableRequest.put("ConsistentRead", true);
        String what = "DynamoDB BatchGetItem " + table;
        SignedCall.Answer answer =
                calls.call(
                        "BatchGetItem",
                        what,
                        JsonTree.bytes(request),
                        "table",
                        table,
                        "keys",
                        ids.size());
        if (answer.status() != 200) {
            throw SignedCall.refused(what, answer);
        }
        for (JsonNode item : answer.body().path("Responses").path(table)) {
            Optional<CheckIn> record = record(item);
            if (record.isPresent()) {
                found.put(record.get().id(), record.get());
            } else {
                log.warn(
                        "checkin.malformed",
                        "consumer",
                        item.path("consumer").path("S").asText("?"),
                        "table",
                        table);
            }
        }
        List<String> unprocessed = new ArrayList<>();
        answer.body()
                .path("UnprocessedKeys")
                .path(table)
                .path("Keys")
                .forEach(key -> unprocessed.add(key.path("consumer").path("S").asText()));
        return unprocessed;
    }

    /** A record of the documented shape, or empty. */
    static Optional<CheckIn> record(JsonNode item) {
        try {
            String id = item.path("consumer").path("S").asText(null);
            String kind = item.path("kind").path("S").asText(null);
            JsonNode keyId = item.path("keyId").path("N");
            JsonNode healthy = item.path("healthy").path("BOOL");
            String at = item.path("at").path("S").asText(null);
            if (id == null
                    || kind == null
                    || !keyId.isTextual()
                    || !healthy.isBoolean()
                    || at == null) {
                return Optional.empty();
            }
            return Optional.of(
                    new CheckIn(
                            id,
                            kind,
                            Long.parseLong(keyId.asText()),
                            healthy.asBoolean(),
                            Instant.parse(at),
                            item.path("by").path("S").asText(null)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
