package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Stores events from a JSON Lines file, one event per line:",
                "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"…\",\"user_id\":\"<uuid>\",\"session_id\":\"…\","
                        + "\"timestamp\":\"2024-03-01T07:15:00.123456Z\",\"timezone\":\"Europe/Berlin\","
                        + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://…\"}",
                "A bad line is reported on stderr with its number and reason and skipped; the good lines are stored. "
                        + "Exit code 3 when some lines were rejected."})
final class ImportCommand implements Callable<Integer> {

    static final int EXIT_REJECTED = 3;

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A JSON Lines file, or - for standard input.")
    String file;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Events per append (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json (the summary).")
    Format format;

    private final ObjectMapper mapper;
    private final EventCodec codec;

    @Inject
    ImportCommand(ObjectMapper mapper, EventCodec codec) {
        this.mapper = mapper;
        this.codec = codec;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Imported imported;
        try (BufferedReader reader = open(); Database db = root.openDatabase()) {
            Progress progress = new Progress(err, "import", 0);
            BatchAppender appender = new BatchAppender(db.eventStore(codec), batchSize, progress);
            long read = 0;
            long rejected = 0;
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                try {
                    appender.add(codec.parseLine(line));
                } catch (InvalidEventException e) {
                    rejected++;
                    err.println("line " + lineNumber + ": " + e.getMessage());
                }
            }
            AppendResult result = appender.finish();
            imported = new Imported(read, result.stored(), result.duplicates(), rejected);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(out, mapper, imported);
        } else {
            out.printf("read %,d, stored %,d, duplicates %,d, rejected %,d%n",
                    imported.read(), imported.stored(), imported.duplicates(), imported.rejected());
        }
        return imported.rejected() > 0 ? EXIT_REJECTED : 0;
    }

    private BufferedReader open() throws IOException {
        // An InputStreamReader replaces malformed UTF-8 instead of failing the whole import on one bad byte.
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(Path.of(file)), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("cannot read " + file + ": no such file", e);
        }
    }

    /** What import did; also its JSON shape. */
    record Imported(long read, long stored, long duplicates, long rejected) {
    }
}
