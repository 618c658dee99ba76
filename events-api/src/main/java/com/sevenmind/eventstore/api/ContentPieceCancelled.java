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

    public ContentPieceCancelled {
        timestamp = EventFields.validate(userId, uniqueId, sessionId, timestamp, timezone, locale, content,
                positionSeconds);
    }

    /** With the content parsed from its URI and no position. */
    public ContentPieceCancelled(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                                 String timezone, String locale, String objectUri) {
        this(userId, uniqueId, sessionId, timestamp, timezone, locale, Content.parse(objectUri), null);
    }
}
