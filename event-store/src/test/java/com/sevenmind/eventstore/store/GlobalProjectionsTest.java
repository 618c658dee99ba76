package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A global projection's state moves with its position: each event once, rebuilt after a forget or a new version. */
class GlobalProjectionsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID ANN = UUID.fromString("00000000-0000-4000-8000-0000000000d1");
    private static final UUID BOB = UUID.fromString("00000000-0000-4000-8000-0000000000d2");
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    /** Events by user, and how many folds began from scratch (kept in the state, so a rebuild shows). */
    public record Counts(TreeMap<String, Long> byUser) {
    }

    private static class ByUser implements GlobalProjection<Counts> {
        private final int version;

        ByUser(int version) {
            this.version = version;
        }

        @Override
        public String name() {
            return "by_user";
        }

        @Override
        public Counts initialState() {
            return new Counts(new TreeMap<>());
        }

        @Override
        public Counts apply(Counts state, RecordedEvent event) {
            state.byUser().merge(event.userId().toString(), 1L, Long::sum);
            return state;
        }

        @Override
        public Object view(Counts state) {
            return state.byUser();
        }

        @Override
        public Class<Counts> stateType() {
            return Counts.class;
        }

        @Override
        public int version() {
            return version;
        }
    }

    private final GlobalProjections globals = new GlobalProjections(db.database(),
            new EventCodec(Json.newObjectMapper()), Json.newObjectMapper());

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static void append(UUID user, String... ids) {
        List<com.sevenmind.eventstore.api.Event> events = new ArrayList<>();
        for (String id : ids) {
            events.add(TestEvents.started(user, id, T));
        }
        db.store().append(events);
    }

    @Test
    void each_run_folds_only_what_is_new_and_a_forget_takes_the_user_out() {
        append(ANN, "a-1", "a-2");
        append(BOB, "b-1");
        assertEquals("{" + ANN + "=2, " + BOB + "=1}", globals.catchUp(new ByUser(1)).view().toString());

        append(BOB, "b-2", "b-1"); // b-1 again: a duplicate, not stored, not counted
        GlobalProjections.Result result = globals.catchUp(new ByUser(1));
        assertEquals("{" + ANN + "=2, " + BOB + "=2}", result.view().toString());
        assertEquals(result.position(), globals.catchUp(new ByUser(1)).position(), "nothing new: nothing moves");

        db.store().forget(ANN);
        assertEquals("{" + BOB + "=2}", globals.catchUp(new ByUser(1)).view().toString());
        append(ANN, "a-3"); // refused: the user is forgotten
        append(BOB, "b-3");
        assertEquals("{" + BOB + "=3}", globals.catchUp(new ByUser(1)).view().toString(),
                "the forget is folded once: later runs go on from there");
    }

    @Test
    void a_new_version_and_a_rebuild_fold_everything_again_with_progress() {
        append(ANN, "a-1", "a-2");
        globals.catchUp(new ByUser(1));
        db.database().jdbi().useHandle(h -> h.execute(
                "UPDATE global_projections SET state = '{\"by_user\":{\"someone\":99}}'"));
        assertEquals("{someone=99}", globals.catchUp(new ByUser(1)).view().toString(), "the saved state is used");

        assertEquals("{" + ANN + "=2}", globals.catchUp(new ByUser(2)).view().toString(), "version 2: rebuilt");

        List<Long> progress = new ArrayList<>();
        assertEquals("{" + ANN + "=2}", globals.rebuild(new ByUser(2), progress::add).view().toString());
        assertEquals(List.of(2L), progress);
    }

    /**
     * Appends go on while a catch-up folds: here each event folded appends another, committed at once, so every
     * read finds new events. A catch-up that read until a read found nothing never returned.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void a_catch_up_folds_what_was_final_when_it_read_and_returns_while_appends_go_on() {
        append(ANN, "a-1", "a-2");
        AtomicInteger echoes = new AtomicInteger();
        ByUser echoing = new ByUser(1) {
            @Override
            public Counts apply(Counts state, RecordedEvent event) {
                append(BOB, "echo-" + echoes.incrementAndGet());
                return super.apply(state, event);
            }
        };
        assertEquals("{" + ANN + "=2}", globals.catchUp(echoing).view().toString(),
                "the echoes committed after the read: the next run's");
        assertEquals(2, echoes.get());
        assertEquals("{" + ANN + "=2, " + BOB + "=2}", globals.catchUp(echoing).view().toString());
        assertEquals(4, echoes.get());
    }
}
