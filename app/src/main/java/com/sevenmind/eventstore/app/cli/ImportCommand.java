package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ingest.BatchAppender;
import com.sevenmind.eventstore.app.ingest.BoundedLineReader;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.Utf8;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Stores events from a JSON Lines file, one event per line, in the native format:",
                "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"…\",\"user_id\":\"<uuid>\",\"session_id\":\"…\","
                        + "\"timestamp\":\"2024-03-01T07:15:00.123456Z\",\"timezone\":\"Europe/Berlin\","
                        + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://…\"}",
                "with, optionally, \"received_at\" and \"metadata\" (a JSON object) as export writes them; or, with "
                        + "--format rudderstack, RudderStack track events (other calls and events are skipped), whose "
                        + "receivedAt and other fields are kept beside the event.",
                "A bad line (invalid JSON, field or UTF-8, or an event the database refuses) is reported on stderr "
                        + "with its number and reason, kept in the quarantine (see rejected) and skipped; the good "
                        + "lines are stored. An event already stored with other content is a conflict, quarantined "
                        + "too. Events of forgotten users are skipped. Exit code 3 when some lines were rejected or conflicted."})
final class ImportCommand implements Callable<Integer> {

    static final int EXIT_REJECTED = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A JSON Lines file, or - for standard input.")
    String file;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Repeatable: the input, native (default) or rudderstack; the summary, text (default) or "
                    + "json. E.g. --format rudderstack --format json.")
    List<String> formats = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Events per append, 1 to 100,000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final Inputs inputs;
    private final Provider<Database> database;
    private final Provider<EventStore> store;

    @Inject
    ImportCommand(ObjectMapper mapper, EventCodec codec, Inputs inputs, Provider<Database> database,
                  Provider<EventStore> store) {
        this.mapper = mapper;
        this.codec = codec;
        this.inputs = inputs;
        this.database = database;
        this.store = store;
    }

    @Override
    public Integer call() throws IOException {
        CliValues.checkBatchSize(spec, batchSize);
        String inputFormat = Inputs.NATIVE;
        Format output = Format.text;
        for (String f : formats) {
            switch (f) {
                case "text", "json" -> output = Format.valueOf(f);
                case Inputs.NATIVE, Inputs.RUDDERSTACK -> inputFormat = f;
                default -> throw new ParameterException(spec.commandLine(),
                        "--format must be native, rudderstack, text or json, was '" + f + "'");
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        String source = file.equals("-") ? "stdin" : Path.of(file).toAbsolutePath().normalize().toString();
        Imported imported;
        try (InputStream in = open()) {
            Progress progress = new Progress(err, "import", 0);
            BatchAppender appender = new BatchAppender(store.get(), database.get().quarantine(), codec, batchSize,
                    progress, EventCodec.CURRENT_SCHEMA_VERSION, err);
            BoundedLineReader lines = new BoundedLineReader(in, Inputs.MAX_BYTES, Inputs.KEPT_CHARS);
            long read = 0;
            long skipped = 0;
            long rejected = 0;
            long lineNumber = 0;
            for (String line = lines.next(); line != null; line = lines.next()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                try {
                    if (lines.oversize()) {
                        throw new InvalidEventException(null, null, Inputs.oversize(lines.length()));
                    }
                    if (lines.invalidAt() > 0) {
                        String problem = Utf8.problem(lines.invalidAt());
                        rejected++;
                        err.println("line " + lineNumber + ": " + problem);
                        appender.reject(Rejection.of(source, lineNumber, inputFormat, line,
                                Inputs.invalidUtf8(lines.invalidAt())));
                        continue;
                    }
                    Parsed parsed = inputs.read(inputFormat, line);
                    if (parsed instanceof Accepted accepted) {
                        appender.add(accepted.event(), accepted.metadata(),
                                new BatchAppender.Origin(source, lineNumber, inputFormat, line));
                    } else {
                        skipped++;
                    }
                } catch (InvalidEventException e) {
                    rejected++;
                    err.println("line " + lineNumber + ": " + e.getMessage());
                    appender.reject(Rejection.of(source, lineNumber, inputFormat, line, e.getMessage()));
                }
            }
            AppendResult result = appender.finish();
            imported = new Imported(read, result.stored(), result.duplicates(), rejected + appender.refused(),
                    result.conflicts(), skipped + result.forgotten());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == Format.json) {
            Output.json(out, mapper, imported);
        } else {
            out.printf("read %,d, stored %,d, duplicates %,d, rejected %,d, conflicts %,d, skipped %,d%n",
                    imported.read(), imported.stored(), imported.duplicates(), imported.rejected(),
                    imported.conflicts(), imported.skipped());
        }
        return imported.rejected() + imported.conflicts() > 0 ? EXIT_REJECTED : 0;
    }

    /** The bytes of the input: each line is decoded on its own, so that bad UTF-8 spoils only its line. */
    private InputStream open() throws IOException {
        if (file.equals("-")) {
            return System.in;
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("cannot read " + file + ": no such file", e);
        }
    }

    /**
     * What import did; also its JSON shape. read counts non-blank lines; skipped, RudderStack calls that are not
     * Content Piece events and events of forgotten users; conflicts, events already stored with other content.
     */
    record Imported(long read, long stored, long duplicates, long rejected, long conflicts, long skipped) {
    }
}
