package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import java.time.Instant;
import java.util.UUID;

/** Events for tests, with plausible values for the fields a test does not care about. */
public final class TestEvents {

    private static final String URI = "sevenmind://content/single/abc12/recording/xyz34";

    private TestEvents() {
    }

    /** A Started event in a session of its own. */
    public static Event started(UUID user, String uniqueId, Instant at) {
        return started(user, uniqueId, "session-" + uniqueId, at);
    }

    /** A Completed event in a session of its own. */
    public static Event completed(UUID user, String uniqueId, Instant at) {
        return completed(user, uniqueId, "session-" + uniqueId, at);
    }

    /** A Cancelled event in a session of its own. */
    public static Event cancelled(UUID user, String uniqueId, Instant at) {
        return cancelled(user, uniqueId, "session-" + uniqueId, at);
    }

    public static Event started(UUID user, String uniqueId, String session, Instant at) {
        return new ContentPieceStarted(user, uniqueId, session, at, "Europe/Berlin", "de-DE", URI);
    }

    public static Event completed(UUID user, String uniqueId, String session, Instant at) {
        return new ContentPieceCompleted(user, uniqueId, session, at, "Europe/Berlin", "de-DE", URI);
    }

    public static Event cancelled(UUID user, String uniqueId, String session, Instant at) {
        return new ContentPieceCancelled(user, uniqueId, session, at, "Europe/Berlin", "de-DE", URI);
    }
}
