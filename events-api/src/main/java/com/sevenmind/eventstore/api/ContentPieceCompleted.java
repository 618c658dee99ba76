package com.sevenmind.eventstore.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A user listened to the end of a content piece (a single or a course item recording).
 *
 * @param positionSeconds how far the user got, in seconds from the start of the piece; null when the sender did not say (always in version 1)
 */
public record ContentPieceCompleted(
        UUID userId, String uniqueId, String sessionId, Instant timestamp,
        String timezone, String locale, Content content, Double positionSeconds) implements ContentPieceEvent {

    public ContentPieceCompleted {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, content,
                positionSeconds);
    }

    /** With the content parsed from its URI and no position. */
    public ContentPieceCompleted(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                                 String timezone, String locale, String objectUri) {
        this(userId, uniqueId, sessionId, timestamp, timezone, locale, Content.parse(objectUri), null);
    }
}
