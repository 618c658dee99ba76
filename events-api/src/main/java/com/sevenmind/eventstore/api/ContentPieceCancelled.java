package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/** A user stopped a content piece (a single or a course item recording) before its end. */
public record ContentPieceCancelled(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, String objectUri) implements Event {

    public ContentPieceCancelled {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, objectUri);
    }
}
