package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as read back from the store, with what the store knows about it. The metadata comes from the table's
 * columns; the event itself is decoded from the payload only when some projection of the read needs it
 * ({@link Projection#needsPayload()}).
 *
 * @param position      the global arrival position (the table's identity); never an ordering within a user stream
 * @param userId        the user whose stream it belongs to
 * @param uniqueId      the event's unique id
 * @param eventType     the type's stored name ({@code ContentPieceStarted}, a registered type's name, or the name an
 *                      unregistered type was sent under), whichever name the row was stored under
 * @param timestamp     when it happened
 * @param schemaVersion the version of the stored payload's shape
 * @param recordedAt    when the store received the event, as opposed to {@link #timestamp()}, when it happened
 * @param event         the event; not read when no projection of this read needs the payload
 * @param receivedAt    when RudderStack received the event (its {@code receivedAt}); null when unknown, or not read
 *                      because no projection of this read needs it ({@link Projection#needsReceivedAt()})
 */
public record RecordedEvent(long position, int schemaVersion, Instant recordedAt, UUID userId, String uniqueId,
                            String eventType, Instant timestamp, Event event, Instant receivedAt) {

    /**
     * Checks that the metadata is there.
     *
     * @param position      the global arrival position
     * @param schemaVersion the version of the stored payload's shape
     * @param recordedAt    when the store received the event
     * @param userId        the user
     * @param uniqueId      the event's unique id
     * @param eventType     the type's stored name
     * @param timestamp     when it happened
     * @param event         the event; null when the payload was not read
     * @param receivedAt    when RudderStack received it; null when unknown or not read
     */
    public RecordedEvent {
        Objects.requireNonNull(recordedAt, "recordedAt cannot be null");
        Objects.requireNonNull(userId, "userId cannot be null");
        Objects.requireNonNull(uniqueId, "uniqueId cannot be null");
        Objects.requireNonNull(eventType, "eventType cannot be null");
        Objects.requireNonNull(timestamp, "timestamp cannot be null");
    }

    /**
     * A read event without a known {@link #receivedAt()}.
     *
     * @param position      the global arrival position
     * @param schemaVersion the version of the stored payload's shape
     * @param recordedAt    when the store received the event
     * @param userId        the user
     * @param uniqueId      the event's unique id
     * @param eventType     the type's stored name
     * @param timestamp     when it happened
     * @param event         the event; null when the payload was not read
     */
    public RecordedEvent(long position, int schemaVersion, Instant recordedAt, UUID userId, String uniqueId,
                         String eventType, Instant timestamp, Event event) {
        this(position, schemaVersion, recordedAt, userId, uniqueId, eventType, timestamp, event, null);
    }

    /**
     * A read event with its payload, the metadata taken from it.
     *
     * @param position      the global arrival position
     * @param schemaVersion the version of the stored payload's shape
     * @param recordedAt    when the store received the event
     * @param event         the event
     */
    public RecordedEvent(long position, int schemaVersion, Instant recordedAt, Event event) {
        this(position, schemaVersion, recordedAt, event.userId(), event.uniqueId(), event.eventType(),
                event.timestamp(), event);
    }

    /**
     * The event: the record of its registered type, or a {@link GenericEvent}.
     *
     * @return the event
     * @throws IllegalStateException when the read did not decode payloads because no projection asked for them
     */
    @Override
    public Event event() {
        if (event == null) {
            throw new IllegalStateException("the payload of " + uniqueId + " was not read: every projection of this "
                    + "read said needsPayload() is false");
        }
        return event;
    }
}
