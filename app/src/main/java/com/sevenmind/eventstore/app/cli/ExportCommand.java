package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.EventStore;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a user's stream to stdout in event-time order, in the import format (JSON Lines), "
                + "with received_at and metadata when the store has them, so that export then import into an empty "
                + "store gives the same stream, metadata included."})
final class ExportCommand implements Callable<Integer> {

    /** The one format there is; named so that scripts can say what they expect. */
    enum ExportFormat {
        jsonl
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "USER_ID", description = "The user (UUID) to export.")
    UUID user;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl (the default).")
    ExportFormat format;

    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final Provider<EventStore> store;

    @Inject
    ExportCommand(EventCodec codec, ObjectMapper mapper, Provider<EventStore> store) {
        this.codec = codec;
        this.mapper = mapper;
        this.store = store;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        store.get().storedEvents().read(user, null, 0,
                (e, metadata) -> Output.json(out, mapper, codec.line(e.event(), metadata)));
        out.flush();
        return 0;
    }
}
