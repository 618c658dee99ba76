package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A user activity event as it arrives: the Content Piece events tracked by RudderStack, in their current shape
 * (the schema version event-codec's {@code EventCodec.CURRENT_SCHEMA_VERSION}, which every stored event is read as).
 *
 * <p>The stored type name is the record's simple name ({@code ContentPieceStarted}, …), see {@link #eventType()}.
 */
public sealed interface Event permits ContentPieceStarted, ContentPieceCompleted, ContentPieceCancelled {

    /** The user whose stream this event belongs to. */
    UUID userId();

    /** The Pub/Sub message id; an event re-sent with the same id is a duplicate. */
    String uniqueId();

    String sessionId();

    /** When the event happened (RudderStack's corrected time), microsecond precision. */
    Instant timestamp();

    /** The IANA time zone of the device, e.g. {@code Europe/Berlin}. */
    String timezone();

    String locale();

    /** The content piece, parsed from its URI. */
    Content content();

    /** e.g. {@code sevenmind://content/single/abc12/recording/xyz34}. */
    default String objectUri() {
        return content().objectUri();
    }

    /** The name the event is stored and exchanged under: the record's simple name. */
    default String eventType() {
        return getClass().getSimpleName();
    }
}
