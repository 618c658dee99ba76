package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ingest.BatchAppender;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.generator.Chaos;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Appends plausible generated events: a few main characters with huge streams among many "
                + "background characters, interleaved, in an arrival order that is not time order.",
                "Each main character gets 100 times the events of a background character.",
                "--chaos scrambles like real pipelines (late arrivals, re-deliveries, second ends, clock skew, "
                        + "events on one microsecond, offsets instead of Z); each knob sets one probability.",
                "--out FILE writes JSON Lines for import instead of appending."})
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--users", paramLabel = "N", defaultValue = "100",
            description = "Users in all, main characters included (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--main-characters", paramLabel = "N", defaultValue = "1",
            description = "Users with huge streams (default: ${DEFAULT-VALUE}).")
    int mainCharacters;

    @Option(names = "--events", paramLabel = "N", defaultValue = "12000",
            description = "Distinct events in all (default: ${DEFAULT-VALUE}); re-deliveries come on top.")
    long events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Random seed: the same seed gives the same events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--chaos", description = "Scramble with the default knobs: --late 0.05 --redeliver 0.03 "
            + "--extra-end 0.02 --skew 0.01 --same-micro 0.02 --offsets 0.3; a knob given overrides its default.")
    boolean chaos;

    @Option(names = "--late", paramLabel = "P", description = "Share of events held back 1 to 20,000 events.")
    Double late;

    @Option(names = "--redeliver", paramLabel = "P", description = "Share of events delivered again, exactly.")
    Double redeliver;

    @Option(names = "--extra-end", paramLabel = "P", description = "Share of sessions with a second end.")
    Double extraEnd;

    @Option(names = "--skew", paramLabel = "P", description = "Share of sessions whose end is before their start.")
    Double skew;

    @Option(names = "--same-micro", paramLabel = "P",
            description = "Share of sessions whose events share one microsecond.")
    Double sameMicro;

    @Option(names = "--offsets", paramLabel = "P",
            description = "Share of timestamps written with the user's UTC offset instead of Z (with --out).")
    Double offsets;

    @Option(names = "--out", paramLabel = "FILE", description = "Write JSON Lines to FILE (- for stdout) instead of "
            + "appending to the store.")
    String out;

    @Option(names = "--schema-version", paramLabel = "V", defaultValue = "" + EventCodec.CURRENT_SCHEMA_VERSION,
            description = "Store payloads in the shape of schema version V: 1 as rows written before version 2 "
                    + "(to try upcasting and migrate-events), or ${DEFAULT-VALUE}, the current one.")
    int schemaVersion;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Events per append, 1 to 100,000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final Provider<Database> database;
    private final Provider<EventStore> store;

    @Inject
    GenerateCommand(ObjectMapper mapper, EventCodec codec, Provider<Database> database, Provider<EventStore> store) {
        this.mapper = mapper;
        this.codec = codec;
        this.database = database;
        this.store = store;
    }

    @Override
    public Integer call() throws IOException {
        GeneratorSettings settings;
        double offsetShare = knob(offsets, 0.3);
        try {
            Chaos knobs = new Chaos(knob(late, 0.05), knob(redeliver, 0.03), knob(extraEnd, 0.02), knob(skew, 0.01),
                    knob(sameMicro, 0.02));
            settings = new GeneratorSettings(users, mainCharacters, events, seed,
                    GeneratorSettings.defaults().periodStart(), GeneratorSettings.defaults().period(), knobs);
            if (!(offsetShare >= 0 && offsetShare <= 1)) {
                throw new IllegalArgumentException("offsets must be between 0 and 1, was " + offsetShare);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        CliValues.checkBatchSize(spec, batchSize);
        if (schemaVersion != 1 && schemaVersion != EventCodec.CURRENT_SCHEMA_VERSION) {
            throw new ParameterException(spec.commandLine(), "--schema-version must be 1 or "
                    + EventCodec.CURRENT_SCHEMA_VERSION + ", was " + schemaVersion);
        }
        Generated generated;
        if (out != null) {
            generated = write(settings, offsetShare);
        } else {
            generated = generate(store.get(), database.get().quarantine(), codec, settings, batchSize,
                    schemaVersion, spec.commandLine().getErr());
        }
        // With --out -, the events own stdout; the summary goes to stderr.
        PrintWriter stdout = "-".equals(out) ? spec.commandLine().getErr() : spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(stdout, mapper, generated);
        } else {
            stdout.println(generated.summary());
            stdout.println("main characters:");
            generated.mainCharacters().forEach(id -> stdout.println("  " + id));
        }
        return 0;
    }

    /** A knob's value: as given, else its --chaos default, else 0. */
    private double knob(Double given, double chaosDefault) {
        return given != null ? given : chaos ? chaosDefault : 0;
    }

    /**
     * Generates the events of {@code settings} and appends them in batches, their payloads in the shape of
     * {@code schemaVersion}, with progress on {@code err}.
     */
    public static Generated generate(EventStore store, Quarantine quarantine, EventCodec codec, GeneratorSettings settings,
                              int batchSize, int schemaVersion, PrintWriter err) {
        Generator generator = new Generator(settings);
        Progress progress = new Progress(err, "generate", settings.events());
        BatchAppender appender = new BatchAppender(store, quarantine, codec, batchSize, progress, schemaVersion,
                err);
        long generated = 0;
        for (Iterator<? extends Event> it = generator.events(); it.hasNext(); generated++) {
            appender.add(it.next());
        }
        AppendResult result = appender.finish();
        return new Generated(generated, result.stored(), result.duplicates(), result.conflicts(),
                result.forgotten() > 0 ? result.forgotten() : null, null,
                settings.users(), generator.mainCharacters(), progress.elapsedSeconds());
    }

    private Generated write(GeneratorSettings settings, double offsetShare) throws IOException {
        Generator generator = new Generator(settings);
        Progress progress = new Progress(spec.commandLine().getErr(), "generate", settings.events());
        // Its own random source: which lines carry offsets must not change the events themselves.
        SplittableRandom random = new SplittableRandom(settings.seed() ^ 0x6f6666736574L);
        long generated = 0;
        boolean toStdout = out.equals("-");
        Writer writer = new BufferedWriter(new OutputStreamWriter(
                toStdout ? System.out : Files.newOutputStream(Path.of(out)), StandardCharsets.UTF_8), 1 << 16);
        try {
            for (Iterator<? extends Event> it = generator.events(); it.hasNext(); generated++) {
                writer.write(codec.toLine(it.next(), offsetShare > 0 && random.nextDouble() < offsetShare));
                writer.write('\n');
                progress.advance(1);
            }
        } finally {
            if (toStdout) {
                writer.flush();
            } else {
                writer.close();
            }
        }
        progress.finish();
        return new Generated(generated, null, null, null, null, out, settings.users(), generator.mainCharacters(),
                progress.elapsedSeconds());
    }

    /**
     * What generate did; also its JSON shape (stored, duplicates and conflicts when appended, skipped when events of
     * forgotten users were dropped, file when written).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Generated(long generated, Long stored, Long duplicates, Long conflicts, Long skipped, String file,
                     int users, List<UUID> mainCharacters, double seconds) {

        String summary() {
            String what = file != null ? "written to " + file
                    : String.format("%,d stored, %,d duplicates, %,d conflicts", stored, duplicates, conflicts)
                    + (skipped == null ? "" : String.format(", %,d skipped (forgotten users)", skipped));
            return String.format("generated %,d events for %,d users in %.1f s (%,.0f events/s): %s",
                    generated, users, seconds, generated / Math.max(seconds, 1e-9), what);
        }
    }
}
