package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.cli.DatabaseOptions;
import com.sevenmind.eventstore.app.cli.Format;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the reference workload (a main user with 100,000 events among 99 users with 1,000 each, "
                + "199,000 events in arrival order, seed 42) and prints the store's figures beside plain "
                + "PostgreSQL's on the same server, in one run:",
                "append: events/s through EventStore.append (batches of 1,000, one thread, dedup on), and through "
                        + "plain COPY of the same rows, 1,000 per COPY and commit, into a copy of the events table "
                        + "with the same indexes, each into emptied tables; medians of 5 runs after a warm-up, and the "
                        + "ratio.",
                "project: the main user through each projection alone (those that read no payloads first) and "
                        + "through all of them in one pass (as the project command runs them), and one "
                        + "plain SELECT of the same rows with fetch size 10,000, (a) reading every column, (b) also "
                        + "parsing each payload with Jackson; medians of 5 runs after a warm-up, and the ratios: each "
                        + "projection against (a), or (b) when it reads payloads, and the pass of all against each "
                        + "projection that reads payloads. These never use the snapshot cache.",
                "live feed: the delay from an append's commit to a follower's re-read of the projections that read "
                        + "no payloads (as follow and the live endpoint do), over 1,000 appends: median, 99th "
                        + "percentile and maximum.",
                "snapshot cache: the main user through all projections after one new event in time order "
                        + "(continued from the snapshot) and after one late event (folded again from the first event).",
                "push: " + BenchPush.CLIENTS + " HTTP clients in this process send 20,000 distinct one-event Pub/Sub "
                        + "pushes (4,000 with --quick), each one after the other, to serve on this database; and "
                        + BenchPush.CLIENTS + " connections commit as many single-row INSERT ... ON CONFLICT DO "
                        + "NOTHING transactions into a copy of the events table: pushes/s against transactions/s, "
                        + "the pushes' median and 99th percentile latency, and the events per shared commit.",
                "heap: used after a GC, and the maximum.",
                "--scale: then fills the table with users of 1,000 events until it holds 200,000, 1,000,000 and "
                        + "5,000,000 events, and at each size times a 1,000-event user and the main user through "
                        + "all projections, with EXPLAIN (ANALYZE, BUFFERS) of the stream query for each.",
                "Without --db-url it starts its own fresh embedded PostgreSQL in a new temporary directory and "
                        + "deletes it afterwards (--data-dir is ignored). With --db-url it runs on that server (a "
                        + "Citus coordinator included) in a schema of its own, " + BenchServer.SCHEMA + ", made as "
                        + "a store's and dropped afterwards; it never touches the database's other tables, and is "
                        + "refused while that schema exists. There it runs VACUUM ANALYZE and ANALYZE on its own tables "
                        + "and CHECKPOINT (the whole server's) between runs, and says so on stderr before it starts. "
                        + "Progress goes to stderr."})
public final class BenchCommand implements Callable<Integer> {

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

    @Option(names = "--push-external", description = "Only the pushes, as an operator would measure them: serve in a "
            + "process of its own, " + "8 and 64 clients on raw keep-alive sockets, each form against pgbench's "
            + "8 clients committing single-row INSERT ... ON CONFLICT DO NOTHING on the same server just before "
            + "(pgbench must be on the PATH); 20,000 pushes a form, each after a warm-up from its clients in rounds "
            + "of 10,000 until serve's CPU a push settles (2 to 8 rounds), pgbench for 10 s (4,000, rounds of 2,000 "
            + "and 3 s with --quick).")
    boolean pushExternal;

    @Option(names = "--serve-jfr", paramLabel = "FILE", description = "With --push-external: serve records a JFR "
            + "profile (settings=profile) of the 8 clients' pushes to FILE.")
    Path serveJfr;

    @Option(names = "--events", paramLabel = "N", hidden = true,
            description = "Workload size, a multiple of 199 (for tests); the scale sizes shrink in proportion.")
    Long events;

    private final ProjectionRegistry registry;
    /** Where bench finds {@code content}, the global projection it rebuilds. */
    private final GlobalProjectionRegistry globals;
    private final ObjectMapper mapper;
    private final EventCodec codec;
    /** The global options, read by the root command: bench reads only --db-url, and opens the server itself. */
    private final DatabaseOptions database;

    @Inject
    BenchCommand(ProjectionRegistry registry, GlobalProjectionRegistry globals, ObjectMapper mapper, EventCodec codec,
                 DatabaseOptions database) {
        this.registry = registry;
        this.globals = globals;
        this.database = database;
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
        if (serveJfr != null && !pushExternal) {
            throw new ParameterException(spec.commandLine(), "--serve-jfr needs --push-external");
        }
        if (pushExternal) {
            return pushExternal();
        }
        int runs = quick ? 3 : 5;
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        BenchReport report;
        try (BenchServer opened = open(err)) {
            report = new BenchRun(opened, registry, globals, mapper, codec, err, quick, scale).run(workload, runs, start);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            BenchReport.printText(out, report, registry);
        }
        out.flush();
        return 0;
    }

    private int pushExternal() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        BenchPushExternal.Result result;
        try (BenchServer opened = open(err)) {
            result = new BenchPushExternal(opened, codec, err, quick ? 4_000 : 20_000,
                    Duration.ofSeconds(quick ? 3 : 10), serveJfr).run();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            BenchPushExternal.printText(out, result);
        }
        out.flush();
        return 0;
    }

    private BenchServer open(PrintWriter err) throws Exception {
        String url = database.dbUrl();
        return url == null ? BenchServer.embedded(err)
                : BenchServer.at(url, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"), err);
    }
}
