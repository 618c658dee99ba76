package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.PayloadMigration.Result;
import com.sevenmind.eventstore.store.PayloadMigration.TypeVersionCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PayloadMigrationTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID ALICE = UUID.fromString("55555555-5555-4555-8555-555555555555");
    private static final UUID BOB = UUID.fromString("66666666-6666-4666-8666-666666666666");
    private final EventCodec codec = new EventCodec(Json.newObjectMapper());
    private PayloadMigration migration;
    private EventStore store;

    @BeforeEach
    void setUp() {
        db.clear();
        store = db.store();
        migration = new PayloadMigration(db.database().jdbi(), codec);
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        List<Event> old = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            UUID user = i % 2 == 0 ? ALICE : BOB;
            String uri = i % 3 == 0 ? "sevenmind://content/course/c" + i % 7 + "/item/i1/recording/r1"
                    : "sevenmind://content/single/s" + i % 5 + "/recording/r2";
            old.add(switch (i % 3) {
                case 0 -> TestEvents.started(user, "old-" + i, "s" + i / 2, t.plusSeconds(i));
                case 1 -> TestEvents.completed(user, "old-" + i, "s" + i / 2, t.plusSeconds(i));
                default -> TestEvents.cancelled(user, "old-" + i, "s" + i / 2, t.plusSeconds(i));
            });
        }
        store.append(old, AppendOptions.DEFAULTS.withSchemaVersion(1));
        store.append(List.of(TestEvents.started(ALICE, "new-1", t.minusSeconds(5))));
        db.database().jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                VALUES (?, 'rated-1', 'ContentPieceRated', 1, now(), '{"stars": 5}')""", ALICE));
    }

    private List<RecordedEvent> stream(UUID user) {
        List<RecordedEvent> events = new ArrayList<>();
        store.stream(user, events::add);
        return events;
    }

    private static List<Event> events(List<RecordedEvent> recorded) {
        return recorded.stream().map(RecordedEvent::event).toList();
    }

    @Test
    void converts_every_older_row_in_place_and_reads_give_the_same_events_after() {
        List<RecordedEvent> aliceBefore = stream(ALICE);
        List<RecordedEvent> bobBefore = stream(BOB);
        AtomicLong progress = new AtomicLong();

        Result result = migration.run(1_000, Long.MAX_VALUE, false, progress::addAndGet);

        assertEquals(new Result(2_500, 3, true), result);
        assertEquals(2_500, progress.get());
        assertEquals(List.of(
                new TypeVersionCount("ContentPieceCancelled", 2, 833),
                new TypeVersionCount("ContentPieceCompleted", 2, 833),
                new TypeVersionCount("ContentPieceRated", 1, 1),
                new TypeVersionCount("ContentPieceStarted", 2, 835)), migration.counts(),
                "every known row at version 2; the unknown type untouched");
        List<RecordedEvent> aliceAfter = stream(ALICE);
        assertEquals(events(aliceBefore), events(aliceAfter));
        assertEquals(events(bobBefore), events(stream(BOB)));
        assertTrue(aliceAfter.stream().allMatch(e -> e.schemaVersion() == (e.event() instanceof GenericEvent ? 1 : 2)));
        assertEquals(0, migration.pending());
    }

    @Test
    void a_dry_run_reads_and_upcasts_everything_and_writes_nothing() {
        List<TypeVersionCount> before = migration.counts();

        Result result = migration.run(1_000, Long.MAX_VALUE, true, n -> { });

        assertEquals(new Result(2_500, 3, true), result);
        assertEquals(before, migration.counts());
        assertEquals(2_500, migration.pending());
    }

    @Test
    void a_run_stopped_after_some_batches_is_resumed_and_converts_every_row_exactly_once() {
        List<Event> before = events(stream(ALICE));

        Result first = migration.run(400, 2, false, n -> { });
        assertEquals(new Result(800, 2, false), first);
        assertEquals(1_700, migration.pending());

        Result second = migration.run(400, Long.MAX_VALUE, false, n -> { });
        assertEquals(1_700, second.converted(), "the rest, and none of the first run's rows again");
        assertTrue(second.complete());

        assertEquals(new Result(0, 0, true), migration.run(400, Long.MAX_VALUE, false, n -> { }), "idempotent");
        assertEquals(before, events(stream(ALICE)));
    }

    @Test
    void a_row_that_cannot_be_upcast_stops_the_run_naming_it_and_its_batch_is_left_untouched() {
        // The run walks the table by (user, unique_id): Bob's "zz-broken" comes last.
        db.database().jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                VALUES (?, 'zz-broken', 'ContentPieceStarted', 1, now(), '{"session_id": "s"}')""", BOB));
        long brokenId = db.database().jdbi().withHandle(h ->
                h.createQuery("SELECT id FROM events WHERE unique_id = 'zz-broken'").mapTo(Long.class).one());

        StoreException e = assertThrows(StoreException.class,
                () -> migration.run(1_000, Long.MAX_VALUE, false, n -> { }));

        assertEquals("stored event zz-broken (id " + brokenId + ") cannot be migrated: field object_uri is missing",
                e.getMessage());
        assertEquals(501, migration.pending(),
                "two batches of 1,000 converted; the third (500 rows and the broken one) rolled back whole");
    }
}
