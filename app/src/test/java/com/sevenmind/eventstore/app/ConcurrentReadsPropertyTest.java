package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.ProjectionPass;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Readers and an appender of one user at once, through one projector that holds the user's states in memory and
 * saves them after every read: every answer, written only once another read has folded further, equals a fold of the
 * events stored at that answer's position, done without the cache.
 */
class ConcurrentReadsPropertyTest {

    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final List<Projection<?>> PROJECTIONS = List.of(new StatsProjection(), new HistoryProjection());
    private static final int READERS = 2;
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("concurrent_reads");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    /** One answer: the events it covers and its JSON, written after another read folded further. */
    record Answer(long events, JsonNode json) {
    }

    @Property(tries = 30)
    void every_answer_equals_an_uncached_fold_at_its_position(@ForAll("events") List<Event> events,
                                                              @ForAll long shuffleSeed) throws Exception {
        db.clear();
        List<Event> arrivals = new ArrayList<>(events);
        Collections.shuffle(arrivals, new Random(shuffleSeed));
        Folds folds = new Folds(arrivals.size());
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        try (Projector projector = new Projector(db.store(), db.database().snapshots(MAPPER), 1,
                Projector.HELD_USERS)) {
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(CompletableFuture.runAsync(() -> {
                    boolean last;
                    do {
                        last = folds.done();
                        answers.add(answer(projector, result -> written(result, folds)));
                    } while (!last);
                }));
            }
            for (Event event : arrivals) {
                db.store().append(event);
                answers.add(answer(projector, result -> {
                    folds.folded(result.events());
                    return new Answer(result.events(), json(result.views()));
                }));
            }
            folds.end();
            for (CompletableFuture<Void> reader : readers) {
                reader.get(60, TimeUnit.SECONDS);
            }
        }
        for (Answer answer : answers) {
            assertEquals(uncached(arrivals.subList(0, (int) answer.events())), answer.json(),
                    "the answer at " + answer.events() + " of " + arrivals.size() + " events");
        }
    }

    private static Answer answer(Projector projector, Function<Projector.Result, Answer> write) {
        return projector.project(USER, PROJECTIONS, null, write);
    }

    /** The answer written late: once a read has folded more events than it covers, or none will. */
    private static Answer written(Projector.Result result, Folds folds) {
        folds.folded(result.events());
        folds.awaitFoldedPast(result.events());
        return new Answer(result.events(), json(result.views()));
    }

    /** The events folded in stream order, (timestamp, unique_id), in memory: no store, no cache. */
    private static JsonNode uncached(List<Event> stored) {
        ProjectionPass pass = new ProjectionPass(PROJECTIONS);
        stored.stream().sorted(Comparator.comparing(Event::timestamp).thenComparing(Event::uniqueId))
                .forEach(e -> pass.accept(new RecordedEvent(0, 2, e.timestamp(), e)));
        return json(pass.views());
    }

    private static JsonNode json(Object views) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(views));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The most events any read has folded so far, and whether the appends are over. */
    private static final class Folds {
        private final long total;
        private long most;
        private boolean done;

        Folds(long total) {
            this.total = total;
        }

        synchronized void folded(long events) {
            most = Math.max(most, events);
            notifyAll();
        }

        synchronized void end() {
            done = true;
            notifyAll();
        }

        synchronized boolean done() {
            return done;
        }

        /** Waits until a read folded more than {@code events}; not when every event is folded and none come. */
        synchronized void awaitFoldedPast(long events) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (most <= events && !(done && events >= total)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no read folded past " + events + " events within 30 s");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return ScrambledEvents.events(List.of(USER));
    }
}
