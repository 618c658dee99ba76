package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.EventStore.Forgotten;
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

@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Deletes a user's events, snapshots, and the quarantined inputs that name them, for a privacy "
                + "request. An input names the user in any case, with or without hyphens, JSON-escaped, or inside "
                + "base64 (a Pub/Sub push's message.data).",
                "Leaves an audit row with the time and the counts, never the user: as a tombstone it keeps a keyed "
                        + "hash of the id (SHA-256 over a random key kept in this database), not the id.",
                "Events of the user delivered again later are dropped, not stored or quarantined: import and "
                        + "generate count them as skipped, a Pub/Sub push is answered skipped, POST /events counts "
                        + "them as forgotten."})
final class ForgetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "USER_ID", description = "The user (UUID) to forget.")
    UUID user;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final Provider<EventStore> store;

    @Inject
    ForgetCommand(ObjectMapper mapper, Provider<EventStore> store) {
        this.mapper = mapper;
        this.store = store;
    }

    @Override
    public Integer call() {
        Forgotten forgotten;
        forgotten = store.get().forget(user);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(out, mapper, forgotten);
        } else {
            out.printf("forgot %s: deleted %,d events and %,d quarantined inputs; audit row written%n", user,
                    forgotten.eventsDeleted(), forgotten.rejectedDeleted());
        }
        return 0;
    }
}
