package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Appends plausible generated events: a few main characters with huge streams among many "
                + "background characters, interleaved, in an arrival order that is not time order.",
                "Each main character gets 100 times the events of a background character."})
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--users", paramLabel = "N", defaultValue = "100",
            description = "Users in all, main characters included (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--main-characters", paramLabel = "N", defaultValue = "1",
            description = "Users with huge streams (default: ${DEFAULT-VALUE}).")
    int mainCharacters;

    @Option(names = "--events", paramLabel = "N", defaultValue = "12000",
            description = "Events in all (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Random seed: the same seed gives the same events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Events per append (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final EventCodec codec;

    @Inject
    GenerateCommand(ObjectMapper mapper, EventCodec codec) {
        this.mapper = mapper;
        this.codec = codec;
    }

    @Override
    public Integer call() {
        GeneratorSettings settings;
        try {
            settings = new GeneratorSettings(users, mainCharacters, events, seed,
                    GeneratorSettings.defaults().periodStart(), GeneratorSettings.defaults().period());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, was " + batchSize);
        }
        Generated generated;
        try (Database db = root.openDatabase()) {
            generated = generate(db.eventStore(codec), settings, batchSize, spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(out, mapper, generated);
        } else {
            out.println(generated.summary());
            out.println("main characters:");
            generated.mainCharacters().forEach(id -> out.println("  " + id));
        }
        return 0;
    }

    /** Generates the events of {@code settings} and appends them in batches, with progress on {@code err}. */
    static Generated generate(EventStore store, GeneratorSettings settings, int batchSize, PrintWriter err) {
        Generator generator = new Generator(settings);
        Progress progress = new Progress(err, "generate", settings.events());
        BatchAppender appender = new BatchAppender(store, batchSize, progress);
        for (Iterator<Event> it = generator.events(); it.hasNext(); ) {
            appender.add(it.next());
        }
        AppendResult result = appender.finish();
        return new Generated(settings.events(), result.stored(), result.duplicates(), settings.users(),
                generator.mainCharacters(), progress.elapsedSeconds());
    }

    /** What generate did; also its JSON shape. */
    record Generated(long generated, long stored, long duplicates, int users, List<UUID> mainCharacters,
                     double seconds) {

        String summary() {
            return String.format("generated %,d events for %,d users in %.1f s (%,.0f events/s): "
                            + "%,d stored, %,d duplicates",
                    generated, users, seconds, generated / Math.max(seconds, 1e-9), stored, duplicates);
        }
    }
}
