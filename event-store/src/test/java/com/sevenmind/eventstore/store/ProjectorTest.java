package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Projector.Result;
import com.sevenmind.eventstore.store.Projector.Source;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProjectorTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final UUID user = UUID.randomUUID();
    private Snapshots snapshots;
    private Projector uncached;

    /** The unique ids folded, in order: any event missed, repeated or out of place shows. */
    record Seen(List<String> ids) {
    }

    static final class Order implements Projection<Seen> {
        private final int version;

        Order(int version) {
            this.version = version;
        }

        @Override
        public String name() {
            return "order";
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        public Seen initialState() {
            return new Seen(List.of());
        }

        @Override
        public boolean needsPayload() {
            return false;
        }

        @Override
        public Optional<Class<Seen>> snapshotType() {
            return Optional.of(Seen.class);
        }

        @Override
        public Seen apply(Seen state, RecordedEvent event) {
            List<String> ids = new ArrayList<>(state.ids());
            ids.add(event.uniqueId());
            return new Seen(ids);
        }

        @Override
        public Object view(Seen state) {
            return state.ids();
        }
    }

    private static final List<Projection<?>> ORDER = List.of(new Order(1));

    @BeforeEach
    void clear() {
        db.clear();
        snapshots = db.database().snapshots(Json.newObjectMapper());
        uncached = Projector.uncached(db.store());
    }

    private Projector cached(int held) {
        return new Projector(db.store(), snapshots, 1, held);
    }

    /** A project, and the wait for the snapshots it saves in the background. */
    private static Result project(Projector projector, UUID user, List<? extends Projection<?>> projections,
                                  Instant asOf) {
        Result result = projector.project(user, projections, asOf, r -> r);
        projector.awaitSaves();
        return result;
    }

    private Object order(Result result) {
        return result.views().get("order");
    }

    /** A process may make a projector a task: one closed is let go with the states it holds, not kept till the end. */
    @Test
    void a_projector_closed_before_its_database_is_let_go() {
        WeakReference<Projector> closed = closedProjector();
        for (int i = 0; i < 20 && closed.get() != null; i++) {
            System.gc();
        }
        assertNull(closed.get(), "the database still holds a projector closed before it");
    }

    private WeakReference<Projector> closedProjector() {
        Projector projector = db.database().projector(new EventCodec(Json.newObjectMapper()), Json.newObjectMapper());
        db.store().append(started(user, "a", T));
        assertEquals(1, project(projector, user, ORDER, null).events());
        projector.close();
        return new WeakReference<>(projector);
    }

    @Test
    void an_event_in_time_order_is_read_alone_after_the_snapshot() {
        Projector projector = cached(0);
        db.store().append(List.of(started(user, "a", T), completed(user, "b", T.plusSeconds(60))));
        assertEquals(Source.FULL, project(projector, user, ORDER, null).source());

        db.store().append(started(user, "c", T.plusSeconds(120)));
        Result result = project(projector, user, ORDER, null);

        assertEquals(Source.RESUMED, result.source());
        assertEquals(1, result.read());
        assertEquals(3, result.events());
        assertEquals(List.of("a", "b", "c"), order(result));
    }

    @Test
    void a_late_event_before_the_snapshot_is_folded_in_its_place_from_the_first_event() {
        for (int held : new int[] {0, Projector.HELD_USERS}) {
            db.clear();
            Projector projector = cached(held);
            db.store().append(List.of(started(user, "a", T), started(user, "c", T.plusSeconds(120))));
            project(projector, user, ORDER, null);

            db.store().append(started(user, "b", T.plusSeconds(60)));
            Result result = project(projector, user, ORDER, null);

            assertEquals(Source.REBUILT, result.source());
            assertEquals(List.of("a", "b", "c"), order(result));
            // A late event at the very position of the snapshot: same timestamp, smaller unique_id.
            db.store().append(started(user, "bb", T.plusSeconds(120)));
            assertEquals(List.of("a", "b", "bb", "c"), order(project(projector, user, ORDER, null)));
        }
    }

    @Test
    void a_late_event_stored_after_a_thousand_events_of_other_users_is_still_found() {
        Projector projector = cached(Projector.HELD_USERS);
        db.store().append(List.of(started(user, "a", T), started(user, "c", T.plusSeconds(120))));
        project(projector, user, ORDER, null);
        UUID other = UUID.randomUUID();
        List<Event> others = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            others.add(started(other, "o" + i, T.plusSeconds(i)));
        }
        db.store().append(others);

        db.store().append(started(user, "b", T.plusSeconds(60)));
        Result result = project(projector, user, ORDER, null);

        assertEquals(Source.REBUILT, result.source());
        assertEquals(List.of("a", "b", "c"), order(result));
    }

    /**
     * As after a logical restore into another server, whose transaction ids start low: the snapshot's since_tx is
     * above every transaction there, so a walk of the feed's index from it would find nothing; the user's stream is
     * asked instead.
     */
    @Test
    void a_late_event_is_found_when_the_server_s_transaction_ids_are_below_the_snapshot_s() {
        Projector projector = cached(0);
        db.store().append(List.of(started(user, "a", T), started(user, "c", T.plusSeconds(120))));
        project(projector, user, ORDER, null);
        db.database().jdbi().useHandle(h -> h.execute("UPDATE snapshots SET since_tx = ?", Long.MAX_VALUE));

        db.store().append(started(user, "b", T.plusSeconds(60)));
        Result result = project(projector, user, ORDER, null);

        assertEquals(Source.REBUILT, result.source());
        assertEquals(List.of("a", "b", "c"), order(result));
    }

    @Test
    void states_held_in_memory_are_continued_without_reading_the_snapshot_table() {
        Projector projector = cached(Projector.HELD_USERS);
        db.store().append(started(user, "a", T));
        project(projector, user, ORDER, null);
        snapshots.drop(null);

        db.store().append(started(user, "b", T.plusSeconds(1)));
        Result result = project(projector, user, ORDER, null);

        assertEquals(Source.RESUMED, result.source());
        assertEquals(List.of("a", "b"), order(result));
    }

    @Test
    void a_snapshot_of_another_projection_version_is_ignored() {
        db.store().append(List.of(started(user, "a", T), started(user, "b", T.plusSeconds(1))));
        project(cached(0), user, ORDER, null);

        Result result = project(cached(0), user, List.of(new Order(2)), null);

        assertEquals(Source.FULL, result.source());
        assertEquals(List.of("a", "b"), order(result));
        assertEquals(List.of(1, 2), snapshots.list(user).stream().map(Snapshots.Saved::version).toList());
    }

    @Test
    void as_of_reads_bypass_the_cache() {
        Projector projector = cached(Projector.HELD_USERS);
        db.store().append(started(user, "a", T));
        project(projector, user, ORDER, null);
        Instant between = Instant.now();
        db.store().append(started(user, "b", T.minusSeconds(1)));

        Result result = project(projector, user, ORDER, between);

        assertEquals(Source.FULL, result.source());
        assertEquals(List.of("a"), order(result));
        assertEquals(1, snapshots.list(user).get(0).eventCount());
    }

    @Test
    void a_forgotten_user_projects_to_nothing_even_from_states_held_in_memory() {
        Projector projector = cached(Projector.HELD_USERS);
        db.store().append(started(user, "a", T));
        project(projector, user, ORDER, null);

        db.store().forget(user);

        assertEquals(List.of(), snapshots.list(user));
        Result result = project(projector, user, ORDER, null);
        assertEquals(Source.FULL, result.source());
        assertEquals(0, result.events());
        assertEquals(List.of(), order(result));
    }

    @Test
    void an_unreadable_snapshot_is_passed_over_and_the_stream_read_whole() {
        db.store().append(List.of(started(user, "a", T), started(user, "b", T.plusSeconds(1))));
        project(cached(0), user, ORDER, null);
        db.database().jdbi().useHandle(h -> h.execute("UPDATE snapshots SET state = 'not json'::bytea"));

        Result result = project(cached(0), user, ORDER, null);

        assertEquals(Source.FULL, result.source());
        assertEquals(List.of("a", "b"), order(result));
    }

    @Test
    void snapshots_are_saved_once_they_cover_enough_new_events_and_listed_and_dropped() {
        Projector projector = new Projector(db.store(), snapshots, 3, Projector.HELD_USERS);
        db.store().append(List.of(started(user, "a", T), started(user, "b", T.plusSeconds(1))));
        project(projector, user, ORDER, null);
        assertEquals(List.of(), snapshots.list(user));

        db.store().append(started(user, "c", T.plusSeconds(2)));
        project(projector, user, ORDER, null);
        List<Snapshots.Saved> saved = snapshots.list(user);
        assertEquals(1, saved.size());
        assertEquals(3, saved.get(0).eventCount());
        assertEquals(T.plusSeconds(2), saved.get(0).covers().timestamp());
        assertEquals("c", saved.get(0).covers().uniqueId());

        db.store().append(started(user, "d", T.plusSeconds(3)));
        project(projector, user, ORDER, null);
        assertEquals(3, snapshots.list(user).get(0).eventCount(), "one event more is not worth a save");

        UUID other = UUID.randomUUID();
        db.store().append(List.of(started(other, "a", T), started(other, "b", T), started(other, "c", T)));
        project(projector, other, ORDER, null);
        assertEquals(1, snapshots.drop(user));
        assertEquals(List.of(other), snapshots.list(null).stream().map(Snapshots.Saved::userId).toList());
    }

    @Test
    void a_state_over_the_size_limit_is_not_saved_but_the_answer_is_whole() {
        Snapshots small = new Snapshots(db.database().jdbi(), Json.newObjectMapper(), "test", 40);
        Projector projector = new Projector(db.store(), small, 1, 0);
        db.store().append(started(user, "short", T));
        project(projector, user, ORDER, null);
        assertEquals(1, small.list(user).get(0).eventCount(), "{\"ids\":[\"short\"]} is within 40 bytes");

        db.store().append(started(user, "a-much-longer-unique-id", T.plusSeconds(1)));
        Result result = project(projector, user, ORDER, null);

        assertEquals(List.of("short", "a-much-longer-unique-id"), order(result));
        assertEquals(1, small.list(user).get(0).eventCount(), "the state over 40 bytes was not saved");
    }

    /**
     * An append that drew its ids before a project took its view, and commits after a later append of the same
     * user committed, must still be seen: the project waits for it. Without that wait the project would save a
     * snapshot whose highest id is above the late event's, and the late event would never be found.
     */
    @Test
    void a_project_waits_for_an_append_of_its_user_in_flight() throws Exception {
        Projector projector = cached(Projector.HELD_USERS);
        Event first = started(user, "m", T.plusSeconds(10));
        db.store().append(first);
        project(projector, user, ORDER, null);

        // The batch of a late event and of a conflicting copy of "m": the conflict is reported from inside the
        // append's transaction, after the late event drew its id, and holds the transaction open there.
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<AppendResult> late = CompletableFuture.supplyAsync(() -> db.store().append(
                List.of(started(user, "a", T), completed(user, "m", T.plusSeconds(10))),
                AppendOptions.DEFAULTS.withListener(i -> {
                    inFlight.countDown();
                    Latches.await(release);
                })));
        assertTrue(inFlight.await(30, TimeUnit.SECONDS));
        db.store().append(started(user, "z", T.plusSeconds(20)));

        CompletableFuture<Result> project = CompletableFuture.supplyAsync(() -> project(projector, user, ORDER, null));
        assertThrows(TimeoutException.class, () -> project.get(500, TimeUnit.MILLISECONDS),
                "the project did not wait for the append in flight");
        release.countDown();

        assertEquals(new AppendResult(1, 0, 1), late.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("a", "m", "z"), order(project.get(30, TimeUnit.SECONDS)));
        assertEquals(order(project(uncached, user, ORDER, null)), order(project(projector, user, ORDER, null)));
    }
}
