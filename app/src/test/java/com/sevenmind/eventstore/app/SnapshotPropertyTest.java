package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For any interleaving of appends (late events included, as a shuffled arrival order makes them), re-deliveries of
 * events stored already, and projects, what
 * the snapshot cache answers equals what a full read answers: from states held in memory, from the snapshot table
 * alone, and for Stats, History, the event count and the lateness figures.
 */
class SnapshotPropertyTest {

    static final List<UUID> USERS = List.of(
            UUID.fromString("00000000-0000-4000-8000-000000000001"),
            UUID.fromString("00000000-0000-4000-8000-000000000002"));
    private static final List<Projection<?>> PROJECTIONS = List.of(new StatsProjection(), new HistoryProjection());
    private static final Duration LATE_AFTER = Duration.ofHours(1);
    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("snapshot_property");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 150)
    void cached_answers_equal_full_reads(@ForAll("events") List<Event> events, @ForAll long shuffleSeed,
                                         @ForAll @IntRange(min = 1, max = 8) int batchSize) {
        check(db, events, shuffleSeed, batchSize);
        // Over 150 tries the cache must have been both resumed and rebuilt often enough to have been tested.
        Statistics.label("source").coverage(c -> {
            c.check(Projector.Source.RESUMED).percentage(p -> p > 20);
            c.check(Projector.Source.REBUILT).percentage(p -> p > 5);
        });
    }

    /** The property on {@code db}: shared with its run on the Citus cluster. */
    static void check(TestDatabase db, List<Event> events, long shuffleSeed, int batchSize) {
        db.clear();
        var snapshots = db.database().snapshots(Json.newObjectMapper());
        // Saving after every new event, so that every project both starts from and leaves a snapshot.
        try (Projector inMemory = new Projector(db.store(), snapshots, 1, Projector.HELD_USERS);
             Projector fromTable = new Projector(db.store(), snapshots, 1, 0)) {
            interleave(db, events, shuffleSeed, batchSize, inMemory, fromTable);
        }
    }

    /** Appends in shuffled batches; after each, one user through every projector, with the answers compared. */
    private static void interleave(TestDatabase db, List<Event> events, long shuffleSeed, int batchSize,
                                   Projector inMemory, Projector fromTable) {
        Projector uncached = Projector.uncached(db.store());

        Random random = new Random(shuffleSeed);
        List<Event> arrivals = new ArrayList<>(events);
        Collections.shuffle(arrivals, random);
        for (int from = 0; from < arrivals.size(); from += batchSize) {
            db.store().append(arrivals.subList(from, Math.min(arrivals.size(), from + batchSize)));
            if (random.nextInt(3) == 0) {
                // A re-delivery of an event stored already, as at-least-once delivery sends them.
                Event again = arrivals.get(random.nextInt(Math.min(arrivals.size(), from + batchSize)));
                assertEquals(new AppendResult(0, 1, 0), db.store().append(again));
            }
            UUID user = USERS.get(random.nextInt(USERS.size()));
            Projector.Result expected = uncached.project(user, withLateness(), null, r -> r); // held by no one
            for (Projector cached : List.of(inMemory, fromTable)) {
                cached.project(user, withLateness(), null, actual -> {
                    Statistics.label("source").collect(actual.source());
                    assertEquals(expected.views(), actual.views());
                    assertEquals(expected.events(), actual.events());
                    assertEquals(expected.unknownTypes(), actual.unknownTypes());
                    return null;
                });
            }
        }
    }

    private static List<Projection<?>> withLateness() {
        return new Lateness(LATE_AFTER, Lateness.From.recorded_at).after(PROJECTIONS);
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return ScrambledEvents.events(USERS);
    }
}
