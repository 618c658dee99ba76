package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import java.time.Instant;
import java.util.UUID;

/** Events for tests, with plausible values for the fields a test does not care about. */
public final class TestEvents {

    private TestEvents() {
    }

    public static Event started(UUID user, String uniqueId, Instant at) {
        return new ContentPieceStarted(user, uniqueId, "session-" + uniqueId, at, "Europe/Berlin", "de-DE",
                "sevenmind://content/single/abc12/recording/xyz34");
    }

    public static Event completed(UUID user, String uniqueId, Instant at) {
        return new ContentPieceCompleted(user, uniqueId, "session-" + uniqueId, at, "Europe/Berlin", "de-DE",
                "sevenmind://content/single/abc12/recording/xyz34");
    }

    public static Event cancelled(UUID user, String uniqueId, Instant at) {
        return new ContentPieceCancelled(user, uniqueId, "session-" + uniqueId, at, "Europe/Berlin", "de-DE",
                "sevenmind://content/single/abc12/recording/xyz34");
    }
}
