package com.sevenmind.eventstore.app.bench;

import static com.sevenmind.eventstore.app.bench.BenchRun.LATE_AFTER;
import static com.sevenmind.eventstore.app.bench.BenchRun.WARMUPS;
import static com.sevenmind.eventstore.app.bench.BenchRun.median;
import static com.sevenmind.eventstore.app.bench.BenchRun.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.bench.BenchReport.Cached;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** bench's figures of the snapshot cache. */
final class BenchCache {

    /** Re-projects from memory take milliseconds: more of them make a steadier median. */
    private static final int IN_MEMORY_RUNS_PER_RUN = 4;

    private final Database db;
    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final EventStore store;
    private final Projector uncached;
    private final PrintWriter err;

    BenchCache(Database db, EventCodec codec, ObjectMapper mapper, EventStore store, Projector uncached,
               PrintWriter err) {
        this.db = db;
        this.codec = codec;
        this.mapper = mapper;
        this.store = store;
        this.uncached = uncached;
        this.err = err;
    }

    /**
     * The snapshot cache: the main user through every projection as {@code project} runs them (with the lateness
     * figures), after one new event in time order, continued from the states a running process holds in memory and,
     * as a new process would, from the snapshot table; after one late event (folded again from the first event; saved
     * after the answer, untimed), beside a full read without the cache in the same rounds. Each run appends its event first, and
     * collects the garbage of the runs before, outside the time taken: the refolds make much of it.
     */
    Cached measure(UUID main, List<Projection<?>> projections, long mainEvents, int runs) {
        Projector projector = db.projector(codec, mapper);
        List<Projection<?>> withLateness = new Lateness(LATE_AFTER, Lateness.From.recorded_at).after(projections);
        err.printf("bench: the snapshot cache, %d runs after %d warm-up each (%d in memory)%n", runs, WARMUPS,
                runs * IN_MEMORY_RUNS_PER_RUN);
        projector.project(main, withLateness, null, Projector.Result::source); // saves the first snapshot
        projector.awaitSaves();
        long[] events = {mainEvents};
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        CachedRun run = (kind, late, used, expected) -> {
            events[0] += late == null ? 0 : 1;
            if (late != null) {
                Instant at = Instant.parse(late ? "2025-07-01T00:00:00Z" : "2026-01-01T00:00:00Z")
                        .plusSeconds(events[0] - mainEvents);
                store.append(new ContentPieceStarted(main, "bench-" + kind + "-" + events[0],
                        "bench-session-" + events[0], at, "Europe/Berlin", "de-DE",
                        "sevenmind://content/single/bench/recording/bench"));
            }
            System.gc();
            long start = System.nanoTime();
            // Only its source and event count are looked at after: no answer is written.
            Projector.Result result = used.project(main, withLateness, null, r -> r);
            double ms = (System.nanoTime() - start) / 1e6;
            used.awaitSaves(); // saved after the answer: not timed, and not left running into the next run
            if (result.source() != expected || result.events() != events[0]) {
                throw new IllegalStateException("bench: " + kind + " gave " + result.source() + " with "
                        + result.events() + " events, expected " + expected + " with " + events[0]);
            }
            return round(ms, 1);
        };
        for (int i = 0; i < WARMUPS + runs * IN_MEMORY_RUNS_PER_RUN; i++) {
            double ms = run.time("in_memory", false, projector, Projector.Source.RESUMED);
            if (i >= WARMUPS) {
                samples.computeIfAbsent("in_memory", k -> new ArrayList<>()).add(ms);
            }
        }
        // A user with fewer events than a save's worth has no snapshot: a new process reads it whole.
        Projector.Source fromTable = mainEvents < Projector.SAVE_AFTER ? Projector.Source.FULL
                : Projector.Source.RESUMED;
        for (int i = 0; i < WARMUPS + runs; i++) {
            // A new projector holds nothing in memory: it starts from the table, as a new process does. Closed
            // after, so that the states of the runs before are not still held, as they are not in a new process.
            double ms;
            try (Projector fresh = db.projector(codec, mapper)) {
                ms = run.time("from_table", false, fresh, fromTable);
            }
            if (i >= WARMUPS) {
                samples.computeIfAbsent("from_table", k -> new ArrayList<>()).add(ms);
            }
        }
        for (int i = 0; i < WARMUPS + runs; i++) {
            double late = run.time("late", true, projector, Projector.Source.REBUILT);
            double full = run.time("full", null, uncached, Projector.Source.FULL);
            if (i >= WARMUPS) {
                samples.computeIfAbsent("late", k -> new ArrayList<>()).add(late);
                samples.computeIfAbsent("full", k -> new ArrayList<>()).add(full);
            }
        }
        double lateMs = median(samples.get("late"));
        double fullMs = median(samples.get("full"));
        return new Cached(round(median(samples.get("in_memory")), 1), round(median(samples.get("from_table")), 1),
                round(lateMs, 1), round(fullMs, 1), round(lateMs / fullMs, 3), samples);
    }

    /** One timed project of the snapshot cache's measurement. */
    @FunctionalInterface
    private interface CachedRun {
        /**
         * @param late null: append nothing first; else append an event in time order (false) or a late one (true)
         * @return the time taken in ms, rounded to 0.1
         */
        double time(String kind, Boolean late, Projector projector, Projector.Source expected);
    }
}
