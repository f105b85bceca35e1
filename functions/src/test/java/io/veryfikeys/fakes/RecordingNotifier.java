package io.veryfikeys.fakes;

import io.veryfikeys.notifications.KeyRotated;
import io.veryfikeys.notifications.LifecycleEvent;
import io.veryfikeys.notifications.Notifier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Keeps what would have been published, for assertions (and for scanning for key values). */
public final class RecordingNotifier implements Notifier {
    public record Alert(String subject, String result, Map<String, Object> message) {}

    // synchronized: the reset sends its lifecycle event beside the alert, from another thread
    public final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    public final List<KeyRotated> keyRotated = Collections.synchronizedList(new ArrayList<>());
    public final List<LifecycleEvent> lifecycle = Collections.synchronizedList(new ArrayList<>());

    @Override
    @SuppressWarnings("unchecked")
    public String alert(String subject, String result, Object message) {
        // as SNS would carry it: the JSON the deployed notifier publishes, read back as members
        // (a whole number as a Long, the type our messages give their ids)
        Map<String, Object> members;
        try {
            members =
                    io.veryfikeys.support.Json.MAPPER
                            .readerFor(Map.class)
                            .with(
                                    com.fasterxml.jackson.databind.DeserializationFeature
                                            .USE_LONG_FOR_INTS)
                            .readValue(io.veryfikeys.support.JsonRecords.bytes(message));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        alerts.add(new Alert(subject, result, java.util.Collections.unmodifiableMap(members)));
        return "alert-" + alerts.size();
    }

    @Override
    public String keyRotated(KeyRotated event) {
        keyRotated.add(event);
        return "event-" + keyRotated.size();
    }

    @Override
    public void lifecycle(LifecycleEvent event) {
        lifecycle.add(event);
    }
}
