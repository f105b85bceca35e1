package io.veryfikeys.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.support.AwsCallFailedException;
import io.veryfikeys.support.JsonRecords;
import io.veryfikeys.support.JsonTree;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;

/**
 * Puts one lifecycle event on the account's default event bus: {@code AWSEvents.PutEvents} (JSON
 * 1.1 protocol) as a {@link SignedCall}, since the SDK's EventBridge client would be one more
 * client to load at a cold start for this one call.
 *
 * <p>PutEvents answers 200 even when it refused the entry: the refusal is in {@code
 * FailedEntryCount} and the entry's {@code ErrorCode}
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html), so both are
 * read here and a refused entry is an error like any other.
 */
public final class EventBridgeEvents {
    static final SignedCall.Service EVENTS =
            new SignedCall.Service(
                    "EventBridge", "events", "application/x-amz-json-1.1", "AWSEvents.");

    private final SignedCall calls;

    public EventBridgeEvents(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region) {
        this(http, credentials, region, endpoint(region), 100);
    }

    EventBridgeEvents(
            AwsTransport http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            Region region,
            URI endpoint,
            long backoffBaseMillis) {
        this.calls = new SignedCall(EVENTS, http, credentials, region, endpoint, backoffBaseMillis);
    }

    /**
     * Sends {@code event} under {@code source}, with the rotation's execution as its resource.
     * Returns EventBridge's event id.
     *
     * @throws AwsCallFailedException when EventBridge refused the call or the entry
     */
    public String put(String source, LifecycleEvent event) {
        byte[] body = JsonTree.bytes(body(source, event));
        String what = "EventBridge PutEvents " + event.type().detailType();
        SignedCall.Answer answer =
                calls.call("PutEvents", what, body, "detailType", event.type().detailType());
        if (answer.status() != 200) {
            throw SignedCall.refused(what, answer);
        }
        JsonNode entry = answer.body().path("Entries").path(0);
        if (answer.body().path("FailedEntryCount").asInt(0) > 0 || entry.hasNonNull("ErrorCode")) {
            throw new AwsCallFailedException(
                    what
                            + " refused: "
                            + entry.path("ErrorCode").asText("unknown")
                            + ": "
                            + entry.path("ErrorMessage").asText(""));
        }
        return entry.path("EventId").asText(null);
    }

    /** The PutEvents request: one entry, on the default bus (no EventBusName). */
    static ObjectNode body(String source, LifecycleEvent event) {
        ObjectNode request = JsonTree.object();
        ObjectNode entry = request.putArray("Entries").addObject();
        entry.put("Source", source);
        entry.put("DetailType", event.type().detailType());
        entry.put("Detail", JsonRecords.text(event.detail()));
        String execution = event.executionId();
        if (execution != null && execution.startsWith("arn:")) {
            entry.putArray("Resources").add(execution);
        }
        return request;
    }

    /** The endpoint the SDK's EventBridge client would use ({@link SignedCall#endpoint}). */
    static URI endpoint(Region region) {
        return SignedCall.endpoint(region, "events", "EVENTBRIDGE", "EventBridge");
    }
}
