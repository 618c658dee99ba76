package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A user activity event as it arrives, of any type: what every event has, whatever its type. A type whose Java record
 * is registered ({@link EventType}) is read as that record, in its current schema version; a type with no registered
 * record is read as a {@link GenericEvent}. The three Content Piece events are {@link ContentPieceEvent}s.
 */
public interface Event {

    /**
     * The user whose stream this event belongs to.
     *
     * @return the user's id
     */
    UUID userId();

    /**
     * The event's own id (RudderStack's {@code messageId}); an event re-sent with the same id is a duplicate.
     *
     * @return the unique id within the user's stream
     */
    String uniqueId();

    /**
     * When the event happened (RudderStack's corrected time), microsecond precision.
     *
     * @return the event's time
     */
    Instant timestamp();

    /**
     * The name the event is stored and exchanged under: by default the record's simple name, e.g.
     * {@code ContentPieceStarted}, as its {@link EventType#name()} is by default.
     *
     * @return the stored type name
     */
    default String eventType() {
        return getClass().getSimpleName();
    }

    /**
     * Checks what every event has, for the compact constructor of an event record: the user is present, the unique
     * id is text that can be stored, the time is present.
     *
     * @param userId    the user
     * @param uniqueId  the unique id
     * @param timestamp the time
     * @return the time as stored: cut to microseconds, PostgreSQL's precision
     * @throws InvalidEventException naming the field at fault
     */
    static Instant checked(UUID userId, String uniqueId, Instant timestamp) {
        return EventFields.validateCommon(userId, uniqueId, timestamp);
    }
}
