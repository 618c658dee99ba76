package com.sevenmind.eventstore.app.projecting;

import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.Projector.Source;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.testkit.ProjectionContract;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LatenessTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final List<Projection<?>> STATS = List.of(new StatsProjection());
    private final UUID user = UUID.randomUUID();

    @Test
    void keeps_the_projection_contract_for_either_time_measured_to() {
        ProjectionContract.verify(new Lateness(Duration.ofHours(1), Lateness.From.recorded_at));
        ProjectionContract.verify(new Lateness(Duration.ofMinutes(5), Lateness.From.received_at));
    }

    @Test
    void every_threshold_is_one_projection_so_one_state_per_user() {
        assertEquals("lateness", new Lateness(Duration.ofHours(1), Lateness.From.recorded_at).name());
        assertEquals("lateness", new Lateness(Duration.ofDays(2), Lateness.From.recorded_at).name());
        assertEquals("lateness received_at", new Lateness(Duration.ofHours(1), Lateness.From.received_at).name());
    }

    /** Clocks disagree: events recorded before their own timestamps have a delay below zero, and none else counts. */
    @Test
    void events_recorded_before_their_timestamps_have_a_negative_largest_delay() {
        Lateness lateness = new Lateness(Duration.ofHours(1), Lateness.From.recorded_at);
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        Lateness.State state = lateness.initialState();
        assertEquals(null, lateness.view(state).maxDelaySeconds());
        state = lateness.apply(state, new RecordedEvent(1, 1, at.minusSeconds(10), started(user, "a", at)));
        state = lateness.apply(state, new RecordedEvent(2, 1, at.minusSeconds(4), started(user, "b", at)));
        Lateness.View view = lateness.view(state);
        assertEquals(-4.0, view.maxDelaySeconds());
        assertEquals(0, view.lateEvents());
    }

    /** Recorded now, they happened half an hour, three hours and two days before: late by one threshold, not another. */
    @Test
    void a_new_late_after_continues_from_the_snapshot_of_another_instead_of_folding_again() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        db.store().append(List.of(started(user, "a", now.minus(Duration.ofMinutes(30))),
                started(user, "b", now.minus(Duration.ofHours(3))), started(user, "c", now.minus(Duration.ofDays(2)))));
        var snapshots = db.database().snapshots(Json.newObjectMapper());
        try (Projector first = new Projector(db.store(), snapshots, 1, 0)) {
            assertEquals(Source.FULL, first.project(user, after(Duration.ofHours(1)), null, Projector.Result::source));
        }

        List<Duration> thresholds = List.of(Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(3));
        for (int i = 0; i < thresholds.size(); i++) {
            Duration lateAfter = thresholds.get(i);
            // A new process, holding nothing: only the snapshot table.
            try (Projector newProcess = new Projector(db.store(), snapshots, 1, 0)) {
                String name = new Lateness(lateAfter, Lateness.From.recorded_at).name();
                Lateness.View full = Projector.uncached(db.store()).project(user, after(lateAfter), null,
                        r -> (Lateness.View) r.views().get(name));
                String cached = newProcess.project(user, after(lateAfter), null,
                        r -> r.source() + ", " + r.read() + " read: " + r.views().get(name));

                assertEquals("RESUMED, 0 read: " + full, cached, "late after " + lateAfter);
                assertEquals(2 - i, full.lateEvents(), "late after " + lateAfter);
            }
        }
    }

    private static List<Projection<?>> after(Duration lateAfter) {
        return new Lateness(lateAfter, Lateness.From.recorded_at).after(STATS);
    }
}
