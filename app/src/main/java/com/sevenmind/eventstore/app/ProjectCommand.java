package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.ProjectionPass;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Runs projections over each user's stream, in event-time order, in one pass.")
final class ProjectCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectCommand.class);

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "USER_ID", arity = "1..*", description = "The users (UUIDs) to project.")
    List<UUID> users;

    @Option(names = "--projection", paramLabel = "NAME",
            description = "A projection to run (repeatable; default: all, see the projections command).")
    List<String> projectionNames = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json (one object per user and line).")
    Format format;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final EventCodec codec;

    @Inject
    ProjectCommand(ProjectionRegistry registry, ObjectMapper mapper, EventCodec codec) {
        this.registry = registry;
        this.mapper = mapper;
        this.codec = codec;
    }

    @Override
    public Integer call() {
        List<Projection<?>> projections;
        try {
            projections = registry.select(projectionNames);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = root.openDatabase()) {
            EventStore store = db.eventStore(codec);
            for (UUID user : users) {
                ProjectionPass pass = new ProjectionPass(projections);
                long start = System.nanoTime();
                store.stream(user, pass);
                LOG.info("projected user {}: {} events in {} ms", user, pass.eventCount(),
                        (System.nanoTime() - start) / 1_000_000);
                print(out, user, pass);
            }
        }
        return 0;
    }

    private void print(PrintWriter out, UUID user, ProjectionPass pass) {
        if (format == Format.json) {
            Output.json(out, mapper, new Projected(user, pass.eventCount(), pass.views()));
        } else {
            out.printf("user %s: %,d events%n", user, pass.eventCount());
            Output.text(out, mapper, pass.views(), "  ");
        }
        out.flush();
    }

    /** The JSON shape of one user's result: {"user_id","event_count","projections":{name: view}}. */
    record Projected(UUID userId, long eventCount, Map<String, Object> projections) {
    }
}
