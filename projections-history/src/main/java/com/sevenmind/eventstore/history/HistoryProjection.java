package com.sevenmind.eventstore.history;

import com.google.auto.service.AutoService;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * A user's listening sessions (every event with the same session_id), their outcome, duration and anomalies, and a
 * row per content piece. The rules only depend on the (timestamp, unique_id) order, so any arrival order gives the
 * same answer; see {@link History}.
 */
@AutoService(Projection.class)
public final class HistoryProjection implements Projection<HistoryState> {

    @Override
    public String name() {
        return "history";
    }

    @Override
    public HistoryState initialState() {
        return new HistoryState();
    }

    /** What {@link #apply} reads of a payload: a read skips the locale, the content's ids and the position. */
    @Override
    public Set<String> payloadFields() {
        return Set.of("session_id", "timezone", "content.kind", "content.object_uri");
    }

    /** 2: the sessions saved as one block of bytes ({@link HistoryState.Saved}); 1 saved them as arrays. */
    @Override
    public int version() {
        return 2;
    }

    /** Saved as {@link HistoryState.Saved}. */
    @Override
    public Optional<Class<HistoryState>> snapshotType() {
        return Optional.of(HistoryState.class);
    }

    @Override
    public HistoryState apply(HistoryState state, RecordedEvent recorded) {
        if (!(recorded.event() instanceof ContentPieceEvent event)) {
            // Other types say nothing of listening sessions.
            return state;
        }
        SessionState session = state.session(event.sessionId(), event.content());
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, event.timestamp());
        if (event instanceof ContentPieceStarted) {
            session.start(micros, state.zone(event.timezone()));
        } else if (event instanceof ContentPieceCompleted) {
            session.end(micros, state.zone(event.timezone()), SessionState.COMPLETED);
        } else if (event instanceof ContentPieceCancelled) {
            session.end(micros, state.zone(event.timezone()), SessionState.CANCELLED);
        }
        return state;
    }

    @Override
    public History view(HistoryState state) {
        return History.of(state);
    }
}
