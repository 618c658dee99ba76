package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A user stopped a content piece (a single or a course item recording) before its end.
 *
 * @param positionSeconds where the user stopped, in seconds from the start of the piece; null when the sender did not say (always in version 1)
 */
public record ContentPieceCancelled(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, Content content, Double positionSeconds) implements ContentPieceEvent {

    /**
     * Checks every field: present, storable text, an IANA time zone, a position of 0 or more.
     *
     * @param userId    the user
     * @param uniqueId  the event's unique id
     * @param sessionId the listening session
     * @param timestamp when it happened
     * @param timezone  the device's IANA time zone
     * @param locale    the device's locale
     * @param content   the content piece
     * @param positionSeconds where the user was, in seconds; null when not said
     * @throws InvalidEventException naming the field at fault
     */
    public ContentPieceCancelled {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, content,
                positionSeconds);
    }

    /**
     * With the content parsed from its URI and no position.
     *
     * @param userId    the user
     * @param uniqueId  the event's unique id
     * @param sessionId the listening session
     * @param timestamp when it happened
     * @param timezone  the device's IANA time zone
     * @param locale    the device's locale
     * @param objectUri the content piece's URI
     */
    public ContentPieceCancelled(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                                 String timezone, String locale, String objectUri) {
        this(userId, uniqueId, sessionId, timestamp, timezone, locale, Content.parse(objectUri), null);
    }
}
