package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.JsonTree;
import io.veryfikeys.veryfi.RequestBudget;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The request budget's count (the template's VeryfiBudgetTable): one item per wall-clock second,
 * {@code window = veryfi#<epoch second>}, whose {@code requests} a conditional {@code UpdateItem}
 * raises by one only while it is below the budget. DynamoDB applies each UpdateItem atomically, so
 * however many functions ask in the same second, at most {@code perSecond} are told yes. Items
 * expire an hour later (TTL); a second's item is a few bytes, and about four are written per
 * rotation.
 */
public final class DynamoRequestBudget implements RequestBudget.Windows {
    /** Kept an hour: long enough to read back when investigating, then removed by the TTL. */
    static final long KEPT_SECONDS = 3600;

    private final SignedCall calls;
    private final String table;

    public DynamoRequestBudget(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            String table) {
        this(http, credentials, region, DynamoCheckIns.endpoint(region), table);
    }

    DynamoRequestBudget(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            String table) {
        // No backoff worth the name: a slot is for this second, so a slow retry is no use.
        this.calls =
                new SignedCall(DynamoCheckIns.DYNAMODB, http, credentials, region, endpoint, 20);
        this.table = table;
    }

    @Override
    public boolean take(long epochSecond, int perSecond) {
        if (table == null || table.isBlank()) {
            throw new AwsCallFailedException(
                    "no VERYFI_BUDGET_TABLE: deploy the current template (it creates"
                            + " VeryfiBudgetTable)");
        }
        String what = "DynamoDB UpdateItem " + table;
        SignedCall.Answer answer =
                calls.call(
                        "UpdateItem",
                        what,
                        updateItemRequest(table, epochSecond, perSecond)
                                .getBytes(StandardCharsets.UTF_8),
                        "table",
                        table,
                        "second",
                        epochSecond);
        if (answer.status() == 200) {
            return true;
        }
        if (answer.errorType() != null
                && answer.errorType().endsWith("ConditionalCheckFailedException")) {
            return false;
        }
        throw SignedCall.refused(what, answer);
    }

    static String updateItemRequest(String table, long epochSecond, int perSecond) {
        ObjectNode request = JsonTree.object();
        request.put("TableName", table);
        request.putObject("Key").putObject("window").put("S", "veryfi#" + epochSecond);
        request.put("UpdateExpression", "ADD #requests :one SET #expiresAt = :expiresAt");
        request.put(
                "ConditionExpression", "attribute_not_exists(#requests) OR #requests < :budget");
        ObjectNode names = request.putObject("ExpressionAttributeNames");
        names.put("#requests", "requests");
        names.put("#expiresAt", "expiresAt");
        ObjectNode values = request.putObject("ExpressionAttributeValues");
        values.putObject(":one").put("N", "1");
        values.putObject(":budget").put("N", Integer.toString(perSecond));
        values.putObject(":expiresAt").put("N", Long.toString(epochSecond + KEPT_SECONDS));
        return JsonTree.text(request);
    }
}
