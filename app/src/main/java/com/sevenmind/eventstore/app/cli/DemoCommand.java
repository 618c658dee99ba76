package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.ProjectionPass;
import com.sevenmind.eventstore.generator.Chaos;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts the database, generates the reference data set (a main character with 100,000 events "
                + "among 99 background characters with 1,000 each, seed 42) and prints the main character's "
                + "projections that read no payloads (all of them when every one reads payloads), timing each step.",
                "Run it again and the same events are all rejected as duplicates."})
final class DemoCommand implements Callable<Integer> {

    private static final GeneratorSettings REFERENCE = new GeneratorSettings(100, 1, 199_000, 42,
            GeneratorSettings.defaults().periodStart(), GeneratorSettings.defaults().period(), Chaos.NONE);

    @Spec
    CommandSpec spec;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final Provider<Database> database;
    private final Provider<EventStore> eventStore;

    @Inject
    DemoCommand(ProjectionRegistry registry, ObjectMapper mapper, EventCodec codec, Provider<Database> database,
                Provider<EventStore> eventStore) {
        this.registry = registry;
        this.mapper = mapper;
        this.codec = codec;
        this.database = database;
        this.eventStore = eventStore;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Database db = database.get();
        out.printf("database  %s, ready in %.1f s%n", db.description(), seconds(start));
        EventStore store = eventStore.get();

        GenerateCommand.Generated generated =
                GenerateCommand.generate(store, db.quarantine(), codec, REFERENCE, 1_000,
                        EventCodec.CURRENT_SCHEMA_VERSION,
                        spec.commandLine().getErr());
        out.println("generate  " + generated.summary());

        UUID main = generated.mainCharacters().get(0);
        List<Projection<?>> shown = registry.quickest();
        ProjectionPass pass = new ProjectionPass(shown);
        long projectStart = System.nanoTime();
        store.stream(main, null, pass.needsPayload(), pass);
        out.printf("project   main character %s: %,d events through %s in %.0f ms%n",
                main, pass.eventCount(), ProjectionRegistry.names(shown, ", "), seconds(projectStart) * 1000);
        Output.text(out, mapper, pass.views(), "");
        return 0;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
