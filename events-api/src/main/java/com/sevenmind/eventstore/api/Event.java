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
     * The session of a Content Piece event, kept here so that projections built against an earlier events-api, when
     * every event was one, still link and run.
     *
     * @return the session id
     * @throws UnsupportedOperationException for an event of any other type
     * @deprecated only a {@link ContentPieceEvent} has one: test for it ({@code instanceof ContentPieceEvent c})
     */
    @Deprecated
    default String sessionId() {
        throw notContentPiece("sessionId");
    }

    /**
     * The time zone of a Content Piece event, kept as {@link #sessionId()} is.
     *
     * @return the IANA time zone
     * @throws UnsupportedOperationException for an event of any other type
     * @deprecated only a {@link ContentPieceEvent} has one
     */
    @Deprecated
    default String timezone() {
        throw notContentPiece("timezone");
    }

    /**
     * The locale of a Content Piece event, kept as {@link #sessionId()} is.
     *
     * @return the locale
     * @throws UnsupportedOperationException for an event of any other type
     * @deprecated only a {@link ContentPieceEvent} has one
     */
    @Deprecated
    default String locale() {
        throw notContentPiece("locale");
    }

    /**
     * The content of a Content Piece event, kept as {@link #sessionId()} is.
     *
     * @return the content
     * @throws UnsupportedOperationException for an event of any other type
     * @deprecated only a {@link ContentPieceEvent} has one
     */
    @Deprecated
    default Content content() {
        throw notContentPiece("content");
    }

    /**
     * The content URI of a Content Piece event, kept as {@link #sessionId()} is.
     *
     * @return the URI
     * @throws UnsupportedOperationException for an event of any other type
     * @deprecated only a {@link ContentPieceEvent} has one
     */
    @Deprecated
    default String objectUri() {
        throw notContentPiece("objectUri");
    }

    private UnsupportedOperationException notContentPiece(String accessor) {
        return new UnsupportedOperationException(accessor + "() of an event of type " + eventType() + ", which is not "
                + "a Content Piece event: test for ContentPieceEvent first");
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
