package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.store.Projector.Result;
import com.sevenmind.eventstore.store.Projector.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who owns the states a projector holds, and what it records of them as saved. */
class ProjectorStatesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final UUID user = UUID.randomUUID();

    /** The unique ids folded, in a list changed in place. */
    public static final class Ids {
        public List<String> ids = new ArrayList<>();
    }

    /** Its view reads the state's list while it is written: it breaks the test kit's rule, on purpose. */
    static final class LazyIds implements Projection<Ids> {

        @Override
        public String name() {
            return "ids";
        }

        @Override
        public Ids initialState() {
            return new Ids();
        }

        @Override
        public boolean needsPayload() {
            return false;
        }

        @Override
        public Optional<Class<Ids>> snapshotType() {
            return Optional.of(Ids.class);
        }

        @Override
        public Ids apply(Ids state, RecordedEvent event) {
            state.ids.add(event.uniqueId());
            return state;
        }

        @Override
        public Object view(Ids state) {
            return Collections.unmodifiableList(state.ids);
        }
    }

    /** The events folded: a state of a few bytes. */
    public record Count(long events) {
    }

    static final class Counts implements Projection<Count> {

        @Override
        public String name() {
            return "count";
        }

        @Override
        public Count initialState() {
            return new Count(0);
        }

        @Override
        public boolean needsPayload() {
            return false;
        }

        @Override
        public Optional<Class<Count>> snapshotType() {
            return Optional.of(Count.class);
        }

        @Override
        public Count apply(Count state, RecordedEvent event) {
            return new Count(state.events() + 1);
        }

        @Override
        public Object view(Count state) {
            return state.events();
        }
    }

    private static final List<Projection<?>> IDS = List.of(new LazyIds());
    private static final List<Projection<?>> BOTH = List.of(new LazyIds(), new Counts());

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void no_read_folds_a_state_whose_answer_is_still_being_written() throws Exception {
        Projector projector = new Projector(db.store(), db.database().snapshots(Json.newObjectMapper()),
                Projector.SAVE_AFTER, Projector.HELD_USERS);
        db.store().append(List.of(started(user, "a", T), started(user, "b", T.plusSeconds(1))));
        projector.project(user, IDS, null, Result::source); // the states are held in memory now

        CountDownLatch firstTaken = new CountDownLatch(1);
        CountDownLatch secondFolded = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> projector.project(user, IDS, null, r -> {
            firstTaken.countDown();
            Latches.await(secondFolded);
            return r.source() + " " + r.views();
        }));
        Latches.await(firstTaken);
        db.store().append(started(user, "c", T.plusSeconds(2)));
        String second = projector.project(user, IDS, null, r -> {
            secondFolded.countDown();
            return r.source() + " " + r.views();
        });

        assertEquals("RESUMED {ids=[a, b]}", first.get(30, TimeUnit.SECONDS));
        assertEquals("FULL {ids=[a, b, c]}", second, "the states were leased: folded from the first event");
        assertEquals("RESUMED {ids=[a, b, c]}", projector.project(user, IDS, null, r -> r.source() + " " + r.views()),
                "held again once the answers were written");
    }

    /**
     * Both states are saved at one event; at two, the list is over the limit. Saving the count alone would leave the
     * two snapshots at different positions, and a new process could continue from neither.
     */
    @Test
    void a_state_over_the_size_limit_saves_none_of_its_reads_states_and_is_not_recorded_as_saved() {
        Snapshots small = new Snapshots(db.database().jdbi(), Json.newObjectMapper(), "test", 20);
        try (Projector projector = new Projector(db.store(), small, 1, Projector.HELD_USERS)) {
            db.store().append(started(user, "a", T));
            projector.project(user, BOTH, null, Result::source);
            projector.awaitSaves();
            assertEquals(Map.of("ids", 1L, "count", 1L), saved(small), "{\"ids\":[\"a\"]} is within 20 bytes");

            db.store().append(started(user, "a-longer-id", T.plusSeconds(1)));
            projector.project(user, BOTH, null, Result::source);
            projector.awaitSaves();
            assertEquals(Map.of("ids", 1L, "count", 1L), saved(small), "neither moved on");

            db.store().append(started(user, "b", T.plusSeconds(2)));
            assertEquals(Source.RESUMED, projector.project(user, BOTH, null, Result::source));
            projector.awaitSaves();
            assertEquals(Map.of("ids", 1L, "count", 1L), saved(small),
                    "continued from memory, and refused again");
        }
        try (Projector newProcess = new Projector(db.store(), small, Long.MAX_VALUE, 0)) {
            assertEquals("RESUMED 2 read of 3: {ids=[a, a-longer-id, b], count=3}", newProcess.project(user, BOTH,
                    null, r -> r.source() + " " + r.read() + " read of " + r.events() + ": " + r.views()));
        }
    }

    private Map<String, Long> saved(Snapshots snapshots) {
        Map<String, Long> saved = new TreeMap<>();
        snapshots.list(user).forEach(s -> saved.put(s.projection(), s.eventCount()));
        return saved;
    }
}
