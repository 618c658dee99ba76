package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as read back from the store, with what the store knows about it.
 *
 * @param position      the global arrival position (the table's identity); never an ordering within a user stream
 * @param schemaVersion the version of the stored payload's shape
 * @param recordedAt    when the store received the event, as opposed to {@link #timestamp()}, when it happened
 * @param event         the event itself
 */
public record RecordedEvent(long position, int schemaVersion, Instant recordedAt, Event event) {

    public RecordedEvent {
        Objects.requireNonNull(recordedAt, "recordedAt cannot be null");
        Objects.requireNonNull(event, "event cannot be null");
    }

    public UUID userId() {
        return event.userId();
    }

    public String uniqueId() {
        return event.uniqueId();
    }

    public String eventType() {
        return event.eventType();
    }

    public Instant timestamp() {
        return event.timestamp();
    }
}
