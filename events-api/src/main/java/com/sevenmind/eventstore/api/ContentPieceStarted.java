package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/** A user started a content piece (a single or a course item recording). */
public record ContentPieceStarted(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, Content content) implements ContentPieceEvent {

    /**
     * Checks every field: present, storable text, an IANA time zone.
     *
     * @param userId    the user
     * @param uniqueId  the event's unique id
     * @param sessionId the listening session
     * @param timestamp when it happened
     * @param timezone  the device's IANA time zone
     * @param locale    the device's locale
     * @param content   the content piece
     * @throws InvalidEventException naming the field at fault
     */
    public ContentPieceStarted {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, content, null);
    }

    /**
     * With the content parsed from its URI.
     *
     * @param userId    the user
     * @param uniqueId  the event's unique id
     * @param sessionId the listening session
     * @param timestamp when it happened
     * @param timezone  the device's IANA time zone
     * @param locale    the device's locale
     * @param objectUri the content piece's URI
     */
    public ContentPieceStarted(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                               String timezone, String locale, String objectUri) {
        this(userId, uniqueId, sessionId, timestamp, timezone, locale, Content.parse(objectUri));
    }
}
