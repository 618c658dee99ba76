package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.cli.ClusterStatus;
import com.sevenmind.eventstore.app.cli.EventStoreCommand;
import com.sevenmind.eventstore.app.cli.Format;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the reference workload (a main user with 100,000 events among 99 users with 1,000 each, "
                + "199,000 events in arrival order, seed 42) and prints the store's figures beside plain "
                + "PostgreSQL's on the same server, in one run:",
                "append: events/s through EventStore.append (batches of 1,000, one thread, dedup on), and through "
                        + "plain COPY of the same rows, 1,000 per COPY and commit, into a copy of the events table "
                        + "with the same indexes, each into emptied tables; medians of 5 runs after a warm-up, and the "
                        + "ratio.",
                "project: the main user through stats, history and both (as the project command runs them), and one "
                        + "plain SELECT of the same rows with fetch size 10,000, (a) reading every column, (b) also "
                        + "parsing each payload with Jackson; medians of 5 runs after a warm-up, and the ratios. "
                        + "These never use the snapshot cache.",
                "live feed: the delay from an append's commit to a follower's re-read of stats (as follow and the "
                        + "live endpoint do), over 1,000 appends: median, 99th percentile and maximum.",
                "snapshot cache: the main user through stats+history after one new event in time order (continued "
                        + "from the snapshot) and after one late event (folded again from the first event).",
                "push: " + BenchPush.CLIENTS + " HTTP clients in this process send 20,000 distinct one-event Pub/Sub "
                        + "pushes (4,000 with --quick), each one after the other, to serve on this database; and "
                        + BenchPush.CLIENTS + " connections commit as many single-row INSERT ... ON CONFLICT DO "
                        + "NOTHING transactions into a copy of the events table: pushes/s against transactions/s, "
                        + "the pushes' median and 99th percentile latency, and the events per shared commit.",
                "heap: used after a GC, and the maximum.",
                "--scale: then fills the table with users of 1,000 events until it holds 200,000, 1,000,000 and "
                        + "5,000,000 events, and at each size times a 1,000-event user and the main user through "
                        + "both projections, with EXPLAIN (ANALYZE, BUFFERS) of the stream query for each.",
                "Without --db-url it starts its own fresh embedded PostgreSQL in a new temporary directory and "
                        + "deletes it afterwards (--data-dir is ignored). With --db-url it runs on that server (a "
                        + "Citus coordinator included) in a schema of its own, " + BenchServer.SCHEMA + ", made as "
                        + "a store's and dropped afterwards; it never touches the database's other tables, and is "
                        + "refused while that schema exists. Progress goes to stderr."})
public final class BenchCommand implements Callable<Integer> {

    private static final int BATCH = 1_000;
    private static final int FILL_ROWS_PER_COPY = 10_000;
    private static final int WARMUPS = 1;
    private static final long[] SCALE_SIZES = {200_000, 1_000_000, 5_000_000};
    private static final Duration LATE_AFTER = Lateness.DEFAULT_THRESHOLD;
    /** Appends timed from commit to a follower's update (fewer with a smaller workload). */
    private static final int LIVE_APPENDS = 1_000;
    /** Pushes sent over HTTP, and single-row transactions of the raw limit (fewer with --quick or a smaller workload). */
    private static final int PUSHES = 20_000;
    private static final int QUICK_PUSHES = 4_000;
    /** Re-projects from memory take milliseconds: more of them make a steadier median. */
    private static final int IN_MEMORY_RUNS_PER_RUN = 4;

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A fifth of the workload (a main user with 20,000 events among 99 "
            + "users with 200), 3 runs each: a smoke test in well under a minute. With --scale, sizes are a fifth too.")
    boolean quick;

    @Option(names = "--scale", description = "Also the growth curve at 200,000, 1,000,000 and 5,000,000 events.")
    boolean scale;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: one object to diff between commits.")
    Format format;

    @Option(names = "--events", paramLabel = "N", hidden = true,
            description = "Workload size, a multiple of 199 (for tests); the scale sizes shrink in proportion.")
    Long events;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final EventCodec codec;

    private PrintWriter err;
    private BenchServer server;
    private boolean checkpoints;
    private Database db;
    private EventStore store;
    /** Projects as the project command does, but never saves or keeps states: every run reads the whole stream. */
    private Projector uncached;
    private long fillerSeed = 1_000;

    @Inject
    BenchCommand(ProjectionRegistry registry, ObjectMapper mapper, EventCodec codec) {
        this.registry = registry;
        this.mapper = mapper;
        this.codec = codec;
    }

    @Override
    public Integer call() throws Exception {
        BenchWorkload workload;
        try {
            workload = new BenchWorkload(events != null ? events
                    : quick ? BenchWorkload.QUICK_EVENTS : BenchWorkload.REFERENCE_EVENTS);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int runs = quick ? 3 : 5;
        err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Report report;
        String url = root.dbUrl();
        try (BenchServer opened = url == null ? BenchServer.embedded(err)
                : BenchServer.at(url, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"),
                err)) {
            server = opened;
            db = server.database();
            checkpoints = server.mayCheckpoint();
            if (!checkpoints) {
                err.println("bench: this role may not CHECKPOINT: measuring without the checkpoints between runs");
            }
            store = db.eventStore(codec);
            uncached = Projector.uncached(store);
            report = run(workload, runs, start);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            printText(out, report);
        }
        out.flush();
        return 0;
    }

    private Report run(BenchWorkload workload, int runs, long start) throws Exception {
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
        List<Projection<?>> stats = registry.select(List.of("stats"));
        List<Projection<?>> history = registry.select(List.of("history"));
        List<Projection<?>> both = registry.select(List.of("stats", "history"));
        long mainEvents = workload.mainUserEvents();
        Map<String, List<Double>> samples = measure(runs, List.of(
                new Timed("stats", mainEvents, () -> projected(main, stats)),
                new Timed("history", mainEvents, () -> projected(main, history)),
                new Timed("both", mainEvents, () -> projected(main, both)),
                new Timed("raw_read", mainEvents, () -> withConnection(c -> BenchRaw.read(c, main, null))),
                new Timed("raw_read_decode", mainEvents, () -> withConnection(c -> BenchRaw.read(c, main, mapper)))));
        double statsMs = median(samples.get("stats"));
        double historyMs = median(samples.get("history"));
        double bothMs = median(samples.get("both"));
        double rawMs = median(samples.get("raw_read"));
        double rawDecodeMs = median(samples.get("raw_read_decode"));
        Project project = new Project(mainEvents, round(statsMs, 1), round(historyMs, 1), round(bothMs, 1),
                round(rawMs, 1), round(rawDecodeMs, 1), round(statsMs / rawMs, 3),
                round(historyMs / rawDecodeMs, 3), round(bothMs / historyMs, 3), samples);

        System.gc();
        Heap heap = new Heap(round(mb(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()), 1),
                round(mb(Runtime.getRuntime().maxMemory()), 1));

        List<Scale> scales = new ArrayList<>();
        if (scale) {
            for (long size : SCALE_SIZES) {
                scales.add(scaleTo(Math.round(size * workload.scaleFactor()), workload, runs, main, background, both));
            }
        }
        // After the scale runs, which expect the main user's events as generated: this appends more.
        Cached cached = cached(main, both, mainEvents, runs);
        int liveAppends = (int) Math.min(LIVE_APPENDS, mainEvents);
        err.printf("bench: the live feed, %,d appends%n", liveAppends);
        BenchLive.Result live = BenchLive.measure(db, codec, mapper, stats, liveAppends);
        int pushes = (int) Math.min(quick ? QUICK_PUSHES : PUSHES, workload.events());
        err.printf("bench: pushes, %,d over HTTP from %d clients, and as many single-row transactions%n", pushes,
                BenchPush.CLIENTS);
        BenchPush.Result push = new BenchPush(db, codec, mapper, registry).measure(pushes);
        Workload described = new Workload(workload.events(), BenchWorkload.USERS, mainEvents,
                BenchWorkload.USERS - 1, workload.backgroundUserEvents(), BenchWorkload.SEED, BATCH, WARMUPS, runs);
        // At the end: the shards' bytes then show where the workload's events went.
        ClusterStatus cluster = db.jdbi().withHandle(ClusterStatus::read);
        return new Report(described, append, project, cached, live, push, heap, scales, Machine.current(), version,
                server.description(), cluster, round(seconds(start), 1));
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

    /**
     * The snapshot cache: the main user through stats+history as {@code project} runs them (with the lateness
     * figures), after one new event in time order, continued from the states a running process holds in memory and,
     * as a new process would, from the snapshot table; after one late event (folded again from the first event; saved
     * after the answer, untimed), beside a full read without the cache in the same rounds. Each run appends its event first, and
     * collects the garbage of the runs before, outside the time taken: the refolds make much of it.
     */
    private Cached cached(UUID main, List<Projection<?>> projections, long mainEvents, int runs) {
        Projector projector = db.projector(codec, mapper);
        List<Projection<?>> withLateness = new Lateness(LATE_AFTER, Lateness.From.recorded_at).after(projections);
        err.printf("bench: the snapshot cache, %d runs after %d warm-up each (%d in memory)%n", runs, WARMUPS,
                runs * IN_MEMORY_RUNS_PER_RUN);
        projector.project(main, withLateness, null); // saves the first snapshot
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
            Projector.Result result = used.project(main, withLateness, null);
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
            // A new projector holds nothing in memory: it starts from the table, as a new process does.
            double ms = run.time("from_table", false, db.projector(codec, mapper), fromTable);
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
        return new UserProjections(uncached).project(user, projections, null, LATE_AFTER, Lateness.From.recorded_at)
                .eventCount();
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

    /** Runs {@code work} on a pooled connection with autocommit off; the work commits. */
    private <R> R withConnection(ConnectionWork<R> work) throws SQLException {
        try (Handle h = db.jdbi().open()) {
            Connection c = h.getConnection();
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
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

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void printText(PrintWriter out, Report r) {
        Workload w = r.workload();
        Machine m = r.machine();
        out.printf("workload  %,d events of %d users: a main user with %,d, %d users with %,d each; seed %d; "
                        + "arrival order is not time order%n", w.events(), w.users(), w.mainUserEvents(),
                w.backgroundUsers(), w.backgroundUserEvents(), w.seed());
        out.printf("server    %s %s; %d cores (%s), Java %s, %s%n", r.server(), r.postgresqlVersion(), m.cores(),
                m.cpu(), m.java(), m.os());
        ClusterStatus cluster = r.cluster();
        if (cluster.citus()) {
            long workers = cluster.nodes().stream().filter(n -> n.role().equals("worker") && n.active()).count();
            ClusterStatus.Table events = cluster.tables().stream().filter(t -> t.name().equals("events"))
                    .findFirst().orElseThrow();
            out.printf("cluster   Citus %s, %d active workers; events %s%n", cluster.citusVersion(), workers,
                    events.distribution().equals("distributed")
                            ? String.format("distributed by %s in %,d shards", events.distributionColumn(),
                            events.shards())
                            : events.distribution() + " on the coordinator");
        }
        Append a = r.append();
        out.printf("%nappend, one thread, batches of %,d: median of %d runs after %d warm-up      events/s%n",
                w.batchSize(), w.runs(), w.warmups());
        out.printf("  ours   EventStore.append, dedup on                      %10s   %,d stored, %.2f s%n",
                String.format("%,d", a.oursEventsPerS()), a.stored(), a.oursSeconds());
        out.printf("  raw    COPY into an identical table, commit per batch   %10s   %,d copied, %.2f s%n",
                String.format("%,d", a.rawCopyEventsPerS()), a.rawCopied(), a.rawCopySeconds());
        out.printf("  ours / raw                                              %10.3f%n", a.ratio());
        a.samplesEventsPerS().forEach((name, rates) -> out.printf("  runs of %-16s %s%n", name, rates));
        Project p = r.project();
        out.printf("%nproject the main user, %,d events: median of %d runs after %d warm-up     ms%n",
                p.mainUserEvents(), w.runs(), w.warmups());
        out.printf("  stats                                                   %10.1f%n", p.statsMs());
        out.printf("  history                                                 %10.1f%n", p.historyMs());
        out.printf("  stats+history                                           %10.1f%n", p.bothMs());
        out.printf("  (a) raw read: one SELECT, fetch size %,d, every column %8.1f%n", BenchRaw.FETCH_SIZE,
                p.rawReadMs());
        out.printf("  (b) raw read and Jackson readTree of each payload       %10.1f%n", p.rawReadDecodeMs());
        out.printf("  stats / (a)                                             %10.3f%n", p.statsVsRawRead());
        out.printf("  history / (b)                                           %10.3f%n", p.historyVsRawReadDecode());
        out.printf("  stats+history / history                                 %10.3f%n", p.bothVsHistory());
        p.samplesMs().forEach((name, ms) -> out.printf("  runs of %-16s %s%n", name, ms));
        Cached c = r.cached();
        out.printf("%nsnapshot cache: the main user through stats+history, median of %d runs, ms%n", w.runs());
        out.printf("  after one new event in time order, states in memory     %10.1f%n", c.inOrderInMemoryMs());
        out.printf("  the same in a new process: states from the table        %10.1f%n", c.inOrderFromTableMs());
        out.printf("  after one late event (refolded; saved after the answer) %10.1f%n", c.afterLateMs());
        out.printf("  the whole stream without the cache, in the same rounds  %10.1f%n", c.fullMs());
        out.printf("  late / without the cache                                %10.3f%n", c.lateVsFull());
        c.samplesMs().forEach((name, ms) -> out.printf("  runs of %-16s %s%n", name, ms));
        BenchLive.Result l = r.live();
        out.printf("%nlive feed: commit to a follower's re-read of stats, %,d appends, ms%n", l.appends());
        out.printf("  median %.2f, 99th percentile %.2f, max %.2f%n", l.medianMillis(), l.p99Millis(), l.maxMillis());
        BenchPush.Result pu = r.push();
        out.printf("%npush: %,d one-event Pub/Sub pushes from %d HTTP clients at once to serve (%d workers)%s%n",
                pu.pushes(), pu.clients(), pu.serveThreads(),
                pu.pushes() < PUSHES ? String.format(" (fewer than a full run's %,d)", PUSHES) : "");
        out.printf("  pushes answered                                         %10s /s%n",
                String.format("%,d", pu.pushesPerS()));
        out.printf("  raw: single-row INSERT transactions, %d connections      %10s /s%n", pu.clients(),
                String.format("%,d", pu.rawTxPerS()));
        out.printf("  pushes / raw                                            %10.3f%n", pu.ratio());
        out.printf("  latency: median %.2f ms, 99th percentile %.2f ms, max %.2f ms%n", pu.p50Ms(), pu.p99Ms(),
                pu.maxMs());
        out.printf("  %,d shared commits, %.2f events each on average%n", pu.commits(), pu.meanBatch());
        out.printf("%nheap      %,.1f MB used after a GC, of %,.1f MB max%n", r.heap().usedMb(), r.heap().maxMb());
        if (!r.scale().isEmpty()) {
            out.printf("%nscale: stats+history, median of %d runs after %d warm-up, ms%n", w.runs(), w.warmups());
            out.printf("  %12s  %9s  %18s  %18s%n", "events", "fill s",
                    String.format("user of %,d", w.backgroundUserEvents()),
                    String.format("main user of %,d", w.mainUserEvents()));
            for (Scale s : r.scale()) {
                out.printf("  %,12d  %9.1f  %18.1f  %18.1f%n", s.events(), s.fillSeconds(), s.smallUserMs(),
                        s.mainUserMs());
            }
            for (Scale s : r.scale()) {
                printPlan(out, s.events(), "user of " + String.format("%,d", s.smallUserEvents()), s.smallUserPlan());
                printPlan(out, s.events(), "main user of " + String.format("%,d", s.mainUserEvents()),
                        s.mainUserPlan());
            }
        }
        out.printf("%ntotal %.1f s%n", r.seconds());
    }

    private static void printPlan(PrintWriter out, long events, String user, List<String> plan) {
        out.printf("%nEXPLAIN (ANALYZE, BUFFERS) of the stream query at %,d events, %s events:%n", events, user);
        plan.forEach(line -> out.println("  " + line));
    }

    /** What bench prints with --format json, as one object; field names in snake_case. */
    record Report(Workload workload, Append append, Project project, Cached cached, BenchLive.Result live,
                  BenchPush.Result push, Heap heap, List<Scale> scale, Machine machine, String postgresqlVersion,
                  String server, ClusterStatus cluster, double seconds) {
    }

    record Workload(long events, int users, long mainUserEvents, int backgroundUsers, long backgroundUserEvents,
                    long seed, int batchSize, int warmups, int runs) {
    }

    /** {@code stored_total} is what the events table holds afterwards. */
    /** Rates and times are medians of the runs; {@code stored} and the counts are those of the last run. */
    record Append(long events, long stored, long duplicates, long conflicts, long storedTotal, double oursSeconds,
                  long oursEventsPerS, long rawCopied, double rawCopySeconds, long rawCopyEventsPerS, double ratio,
                  Map<String, List<Double>> samplesEventsPerS) {
    }

    record Project(long mainUserEvents, double statsMs, double historyMs, double bothMs, double rawReadMs,
                   double rawReadDecodeMs, double statsVsRawRead, double historyVsRawReadDecode, double bothVsHistory,
                   Map<String, List<Double>> samplesMs) {
    }

    /**
     * @param inOrderInMemoryMs  re-project after one new event in time order, continuing the states in memory
     * @param inOrderFromTableMs the same in a projector that holds nothing: continuing the saved snapshots
     * @param afterLateMs        re-project after one late event: refolded from the first event, then saved
     * @param fullMs             a read of the whole stream without the cache, in the same rounds as afterLateMs
     * @param lateVsFull         afterLateMs over fullMs
     */
    record Cached(double inOrderInMemoryMs, double inOrderFromTableMs, double afterLateMs, double fullMs,
                  double lateVsFull, Map<String, List<Double>> samplesMs) {
    }

    record Heap(double usedMb, double maxMb) {
    }

    record Scale(long events, double fillSeconds, long smallUserEvents, double smallUserMs, long mainUserEvents,
                 double mainUserMs, List<String> smallUserPlan, List<String> mainUserPlan) {
    }

    record Machine(int cores, String cpu, String java, String os) {

        static Machine current() {
            String cpu = System.getProperty("os.arch");
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(cpu);
            } catch (IOException | UncheckedIOException e) {
                // not Linux: the architecture will do
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                    System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"));
        }
    }
}
