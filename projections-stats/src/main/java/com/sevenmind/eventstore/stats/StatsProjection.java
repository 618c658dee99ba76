package com.sevenmind.eventstore.stats;

import com.google.auto.service.AutoService;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.util.Optional;

/** Counts a user's Content Piece events by type; events of other types are left out. */
@AutoService(Projection.class)
public final class StatsProjection implements Projection<Stats> {

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public Stats initialState() {
        return Stats.EMPTY;
    }

    /** Counts by the type column alone: no payload is read for Stats. */
    @Override
    public boolean needsPayload() {
        return false;
    }

    @Override
    public Optional<Class<Stats>> snapshotType() {
        return Optional.of(Stats.class);
    }

    @Override
    public Stats apply(Stats s, RecordedEvent recorded) {
        long total = s.total() + 1;
        return switch (recorded.eventType()) {
            case "ContentPieceCompleted" ->
                    new Stats(s.completedCount() + 1, s.startedCount(), s.cancelledCount(), total);
            case "ContentPieceStarted" -> new Stats(s.completedCount(), s.startedCount() + 1, s.cancelledCount(), total);
            case "ContentPieceCancelled" ->
                    new Stats(s.completedCount(), s.startedCount(), s.cancelledCount() + 1, total);
            // Other types are not content activity: total counts the Content Piece events, as it always has.
            default -> s;
        };
    }

    @Override
    public Stats view(Stats state) {
        return state;
    }
}
