package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.PayloadMigration;
import com.sevenmind.eventstore.store.PayloadMigration.TypeVersionCount;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "migrate-events", mixinStandardHelpOptions = true,
        description = {"Rewrites stored payloads of older schema versions to the current one, in place, so reads "
                + "need no upcasting. Projections give the same answers before and after.",
                "Each batch is one transaction: a run killed at any point can simply be run again, and rows are "
                        + "converted exactly once."})
final class MigrateEventsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Read and upcast every row that would change, write nothing.")
    boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Rows per transaction, 1 to 100,000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-batches", paramLabel = "N", defaultValue = "" + Long.MAX_VALUE, showDefaultValue =
            picocli.CommandLine.Help.Visibility.NEVER,
            description = "Stop after N batches (default: until done); run again to go on.")
    long maxBatches;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final Provider<Database> database;

    @Inject
    MigrateEventsCommand(ObjectMapper mapper, EventCodec codec, Provider<Database> database) {
        this.mapper = mapper;
        this.codec = codec;
        this.database = database;
    }

    @Override
    public Integer call() {
        CliValues.checkBatchSize(spec, batchSize);
        if (maxBatches < 1) {
            throw new ParameterException(spec.commandLine(), "--max-batches must be at least 1, was " + maxBatches);
        }
        Migrated migrated;
        PayloadMigration migration = database.get().payloadMigration(codec);
        List<TypeVersionCount> before = migration.counts();
        Progress progress = new Progress(spec.commandLine().getErr(), dryRun ? "check" : "migrate",
                migration.pending());
        PayloadMigration.Result result = migration.run(batchSize, maxBatches, dryRun, progress::advance);
        progress.finish();
        migrated = new Migrated(dryRun, EventCodec.CURRENT_SCHEMA_VERSION, before, result.converted(),
                result.batches(), result.complete(), progress.elapsedSeconds(), migration.counts());
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(out, mapper, migrated);
        } else {
            print(out, "before", migrated.before());
            out.printf("%s %,d rows to schema version %d in %,d batches in %.1f s (%,.0f rows/s)%s%n",
                    dryRun ? "would convert" : "converted", migrated.converted(), migrated.currentVersion(),
                    migrated.batches(), migrated.seconds(), migrated.converted() / Math.max(migrated.seconds(), 1e-9),
                    migrated.complete() ? "" : "; rows are left: run again to go on");
            print(out, "after", migrated.after());
        }
        return 0;
    }

    private static void print(PrintWriter out, String when, List<TypeVersionCount> counts) {
        out.println(when + ":");
        counts.forEach(c -> out.printf("  %-24s version %d  %,12d%n", c.eventType(), c.schemaVersion(), c.count()));
    }

    /** What migrate-events did; also its JSON shape. */
    record Migrated(boolean dryRun, int currentVersion, List<TypeVersionCount> before, long converted, long batches,
                    boolean complete, double seconds, List<TypeVersionCount> after) {
    }
}
