package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/** A user started a content piece (a single or a course item recording). */
public record ContentPieceStarted(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, String objectUri) implements Event {

    public ContentPieceStarted {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, objectUri);
    }
}
