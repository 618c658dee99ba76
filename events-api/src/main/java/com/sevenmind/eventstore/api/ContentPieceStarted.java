package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/** A user started a content piece (a single or a course item recording). */
public record ContentPieceStarted(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, Content content) implements ContentPieceEvent {

    public ContentPieceStarted {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, content, null);
    }

    /** With the content parsed from its URI. */
    public ContentPieceStarted(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                               String timezone, String locale, String objectUri) {
        this(userId, uniqueId, sessionId, timestamp, timezone, locale, Content.parse(objectUri));
    }
}
