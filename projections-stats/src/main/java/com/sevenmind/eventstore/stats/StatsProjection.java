package com.sevenmind.eventstore.stats;

import com.google.auto.service.AutoService;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;

/** Counts a user's events by type. */
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

    @Override
    public Stats apply(Stats s, RecordedEvent recorded) {
        Event event = recorded.event();
        long total = s.total() + 1;
        if (event instanceof ContentPieceCompleted) {
            return new Stats(s.completedCount() + 1, s.startedCount(), s.cancelledCount(), total);
        } else if (event instanceof ContentPieceStarted) {
            return new Stats(s.completedCount(), s.startedCount() + 1, s.cancelledCount(), total);
        } else if (event instanceof ContentPieceCancelled) {
            return new Stats(s.completedCount(), s.startedCount(), s.cancelledCount() + 1, total);
        }
        return new Stats(s.completedCount(), s.startedCount(), s.cancelledCount(), total);
    }

    @Override
    public Stats view(Stats state) {
        return state;
    }
}
