package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.bench.BenchReport.Append;
import com.sevenmind.eventstore.app.bench.BenchReport.Cached;
import com.sevenmind.eventstore.app.bench.BenchReport.Heap;
import com.sevenmind.eventstore.app.bench.BenchReport.Machine;
import com.sevenmind.eventstore.app.bench.BenchReport.Project;
import com.sevenmind.eventstore.app.bench.BenchReport.Scale;
import com.sevenmind.eventstore.app.bench.BenchReport.Workload;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.ClusterStatus;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One bench on one server: the measurements in turn, each into the {@link BenchReport}.
 *
 * <p>Over 300 lines on purpose: each measurement is a short method, and the run's order (what each leaves in the table
 * for the next) is only visible in one file.
 */
final class BenchRun {

    private static final int BATCH = 1_000;
    private static final int FILL_ROWS_PER_COPY = 10_000;
    static final int WARMUPS = 1;
    private static final long[] SCALE_SIZES = {200_000, 1_000_000, 5_000_000};
    static final Duration LATE_AFTER = Lateness.DEFAULT_THRESHOLD;
    /** Appends timed from commit to a follower's update (fewer with a smaller workload). */
    private static final int LIVE_APPENDS = 1_000;
    /** Pushes sent over HTTP, and single-row transactions of the raw limit (fewer with --quick or a smaller workload). */
    static final int PUSHES = 20_000;
    private static final int QUICK_PUSHES = 4_000;

    private final ProjectionRegistry registry;
    private final GlobalProjectionRegistry globals;
    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final PrintWriter err;
    private final BenchServer server;
    private final boolean quick;
    private final boolean scale;
    private final boolean checkpoints;
    private final Database db;
    private final EventStore store;
    /** Projects as the project command does, but never saves or keeps states: every run reads the whole stream. */
    private final Projector uncached;
    private long fillerSeed = 1_000;

    BenchRun(BenchServer server, ProjectionRegistry registry, GlobalProjectionRegistry globals, ObjectMapper mapper,
             EventCodec codec, PrintWriter err, boolean quick, boolean scale) throws SQLException {
        this.server = server;
        this.registry = registry;
        this.globals = globals;
        this.mapper = mapper;
        this.codec = codec;
        this.err = err;
        this.quick = quick;
        this.scale = scale;
        db = server.database();
        checkpoints = server.mayCheckpoint();
        if (!checkpoints) {
            err.println("bench: this role may not CHECKPOINT: measuring without the checkpoints between runs");
        }
        store = db.eventStore(codec);
        uncached = Projector.uncached(store);
    }

    BenchReport run(BenchWorkload workload, int runs, long start) throws Exception {
        String version = withConnection(c -> {
            try (var rs = c.createStatement().executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            }
        });
        err.printf("bench: generating %,d events%n", workload.events());
        BenchWorkload.Materialized generated = workload.materialize();
        UUID main = generated.mainUser();
        UUID background = generated.backgroundUser();
        Append append = append(generated.events(), runs);
        generated = null; // the events are not needed any more, and would dominate the heap figure

        sql("VACUUM ANALYZE events", "CHECKPOINT");
        err.printf("bench: projecting the main user, %d runs after %d warm-up%n", runs, WARMUPS);
        List<Projection<?>> all = alone(registry);
        long mainEvents = workload.mainUserEvents();
        List<Timed> timed = new ArrayList<>();
        for (Projection<?> p : all) {
            timed.add(new Timed(p.name(), mainEvents, () -> projected(main, List.of(p))));
        }
        timed.add(new Timed("both", mainEvents, () -> projected(main, all)));
        timed.add(new Timed("raw_read", mainEvents, () -> withConnection(c -> BenchRaw.read(c, main, null))));
        timed.add(new Timed("raw_read_decode", mainEvents,
                () -> withConnection(c -> BenchRaw.read(c, main, mapper))));
        Project project = Project.of(mainEvents, all, measure(runs, timed));

        System.gc();
        Heap heap = new Heap(round(mb(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()), 1),
                round(mb(Runtime.getRuntime().maxMemory()), 1));

        List<Scale> scales = new ArrayList<>();
        if (scale) {
            for (long size : SCALE_SIZES) {
                scales.add(scaleTo(Math.round(size * workload.scaleFactor()), workload, runs, main, background, all));
            }
        }
        // After the scale runs, which expect the main user's events as generated: this appends more.
        Cached cached = new BenchCache(db, codec, mapper, store, uncached, err).measure(main, all, mainEvents, runs);
        int liveAppends = (int) Math.min(LIVE_APPENDS, mainEvents);
        err.printf("bench: the live feed, %,d appends%n", liveAppends);
        BenchLive.Result live = BenchLive.measure(db, codec, mapper, registry.quickest(), liveAppends);
        err.printf("bench: the global feed: catching up, %d appends to an SSE client, rebuilding content%n",
                BenchFeed.SSE_APPENDS);
        BenchFeed.Result feed = BenchFeed.measure(db, server.connection(), codec, mapper, registry,
                globals.select(List.of("content")).get(0));
        int pushes = (int) Math.min(quick ? QUICK_PUSHES : PUSHES, workload.events());
        err.printf("bench: pushes, %,d over HTTP from %d clients, and as many single-row transactions%n", pushes,
                BenchPush.CLIENTS);
        BenchPush.Result push = new BenchPush(server, codec, mapper, registry).measure(pushes);
        Workload described = new Workload(workload.events(), BenchWorkload.USERS, mainEvents,
                BenchWorkload.USERS - 1, workload.backgroundUserEvents(), BenchWorkload.SEED, BATCH, WARMUPS, runs);
        // At the end: the shards' bytes then show where the workload's events went.
        ClusterStatus cluster = db.cluster();
        return new BenchReport(described, append, project, cached, live, feed, push, heap, scales, Machine.current(), version,
                server.description(), cluster, round(seconds(start), 1));
    }

    /**
     * Every projection, those that read no payloads first (as the raw reads they compare with: (a), then (b)), each
     * kind by name.
     */
    static List<Projection<?>> alone(ProjectionRegistry registry) {
        return registry.all().stream().sorted(Comparator.comparing((Projection<?> p) -> p.needsPayload())).toList();
    }

    /** Our append into {@code events}, then plain COPY of the same rows into an identical table. */
    private Append append(List<Event> events, int runs) throws SQLException {
        withConnection(c -> {
            BenchRaw.createLikeEvents(c, "events_raw");
            return null;
        });
        // Rounds after a warm-up, each into emptied tables: measured first in a cold JVM, our append paid for the
        // compilation of the code both paths share (0.73 of raw COPY in a first round, 0.90-1.01 after).
        List<Double> oursRates = new ArrayList<>();
        List<Double> rawRates = new ArrayList<>();
        AppendResult result = AppendResult.NONE;
        for (int round = 0; round < WARMUPS + runs; round++) {
            sql("TRUNCATE events, events_raw", "CHECKPOINT");
            String label = round < WARMUPS ? " (warm-up)" : String.format(" (%d of %d)", round - WARMUPS + 1, runs);
            Progress ours = new Progress(err, "bench: append" + label, events.size());
            result = AppendResult.NONE;
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i += BATCH) {
                List<Event> batch = events.subList(i, Math.min(i + BATCH, events.size()));
                result = result.plus(store.append(batch));
                ours.advance(batch.size());
            }
            double oursRate = events.size() / seconds(start);
            ours.finish();

            sql("CHECKPOINT");
            Progress raw = new Progress(err, "bench: COPY" + label, events.size());
            long rawStart = System.nanoTime();
            withConnection(c -> BenchRaw.copy(c, "events_raw", events.iterator(), codec, BATCH, raw::advance));
            double rawRate = events.size() / seconds(rawStart);
            raw.finish();
            if (round >= WARMUPS) {
                oursRates.add((double) Math.round(oursRate));
                rawRates.add((double) Math.round(rawRate));
            }
        }
        long copied = count("events_raw");
        sql("DROP TABLE events_raw");

        double oursRate = median(oursRates);
        double rawRate = median(rawRates);
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        samples.put("ours", oursRates);
        samples.put("raw_copy", rawRates);
        return new Append(events.size(), result.stored(), result.duplicates(), result.conflicts(), count("events"),
                round(events.size() / oursRate, 2), Math.round(oursRate), copied, round(events.size() / rawRate, 2),
                Math.round(rawRate), round(oursRate / rawRate, 3), samples);
    }

    /** Fills the table with background users up to {@code target} events, then times both users there. */
    private Scale scaleTo(long target, BenchWorkload workload, int runs, UUID main, UUID background,
                          List<Projection<?>> projections) throws SQLException {
        long users = Math.max(0, (target - count("events")) / workload.backgroundUserEvents());
        List<Generator> filler = workload.filler(users, fillerSeed);
        fillerSeed += filler.size();
        Progress progress = new Progress(err, "bench: filling to " + String.format("%,d", target),
                users * workload.backgroundUserEvents());
        long start = System.nanoTime();
        withConnection(c -> {
            for (Generator generator : filler) {
                BenchRaw.copy(c, "events", generator.events(), codec, FILL_ROWS_PER_COPY, progress::advance);
            }
            return null;
        });
        sql("ANALYZE events", "CHECKPOINT");
        double fillSeconds = seconds(start);
        progress.finish();
        long stored = count("events");
        err.printf("bench: %,d events stored; projecting, %d runs after %d warm-up%n", stored, runs, WARMUPS);
        Map<String, List<Double>> samples = measure(runs, List.of(
                new Timed("background", workload.backgroundUserEvents(), () -> projected(background, projections)),
                new Timed("main", workload.mainUserEvents(), () -> projected(main, projections))));
        return new Scale(stored, round(fillSeconds, 1), workload.backgroundUserEvents(),
                round(median(samples.get("background")), 1), workload.mainUserEvents(),
                round(median(samples.get("main")), 1),
                withConnection(c -> BenchRaw.explain(c, background)), withConnection(c -> BenchRaw.explain(c, main)));
    }

    /** The user through the projections as the project command runs them; returns the events read. */
    private long projected(UUID user, List<Projection<?>> projections) {
        return new UserProjections(uncached).project(user, projections, null, LATE_AFTER, Lateness.From.recorded_at,
                Projected::eventCount);
    }

    /** Measurement name: its times in ms, after the warm-ups; rounds run every measurement in turn. */
    private static Map<String, List<Double>> measure(int runs, List<Timed> timed) throws SQLException {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        timed.forEach(t -> samples.put(t.name(), new ArrayList<>()));
        for (int round = 0; round < WARMUPS + runs; round++) {
            for (Timed t : timed) {
                long start = System.nanoTime();
                long read = t.work().run();
                double ms = (System.nanoTime() - start) / 1e6;
                if (read != t.expectedEvents()) {
                    throw new IllegalStateException("bench: " + t.name() + " read " + read + " events, expected "
                            + t.expectedEvents());
                }
                if (round >= WARMUPS) {
                    samples.get(t.name()).add(round(ms, 1));
                }
            }
        }
        return samples;
    }

    private record Timed(String name, long expectedEvents, Work<Long> work) {
    }

    @FunctionalInterface
    private interface Work<R> {
        R run() throws SQLException;
    }

    @FunctionalInterface
    private interface ConnectionWork<R> {
        R run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on bench's own connection with autocommit off; the work commits. */
    private <R> R withConnection(ConnectionWork<R> work) throws SQLException {
        Connection c = server.connection();
        c.setAutoCommit(false);
        try {
            return work.run(c);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private void sql(String... statements) throws SQLException {
        String[] run = checkpoints ? statements
                : Arrays.stream(statements).filter(s -> !s.equals("CHECKPOINT")).toArray(String[]::new);
        err.println("bench: " + String.join("; ", run));
        withConnection(c -> {
            BenchRaw.execute(c, run);
            return null;
        });
    }

    private long count(String table) throws SQLException {
        return withConnection(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nanoseconds as milliseconds, to two decimals. */
    static double millis(long nanos) {
        return round(nanos / 1e6, 2);
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
