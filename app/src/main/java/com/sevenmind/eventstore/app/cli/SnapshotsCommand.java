package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Snapshots;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"Shows the snapshot cache: per user and projection version, the saved state and the part of "
                + "the stream it covers (up to a (timestamp, unique_id), and the highest event id folded). With "
                + "--drop, deletes them instead; the next project of those users reads their whole streams.",
                "project saves snapshots after reading at least 1,000 events, and continues from them; an event "
                        + "that arrives late, before a snapshot's position, makes it fold from the first event "
                        + "again."})
final class SnapshotsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--user", paramLabel = "USER_ID", description = "Only this user's snapshots.")
    UUID user;

    @Option(names = "--drop", description = "Delete the snapshots (of --user, else all) instead of listing them.")
    boolean drop;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final Provider<Database> database;

    @Inject
    SnapshotsCommand(ObjectMapper mapper, Provider<Database> database) {
        this.mapper = mapper;
        this.database = database;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Snapshots snapshots = database.get().snapshots(mapper);
        if (drop) {
            int dropped = snapshots.drop(user);
            if (format == Format.json) {
                Output.json(out, mapper, Map.of("dropped", dropped));
            } else {
                out.printf("dropped %,d snapshots%n", dropped);
            }
            return 0;
        }
        List<Snapshots.Saved> saved = snapshots.list(user);
        if (format == Format.json) {
            Output.json(out, mapper, saved);
        } else {
            String row = "%-36s  %-16s  %7s  %10s  %-27s  %10s  %11s  %s%n";
            out.printf(row, "USER_ID", "PROJECTION", "VERSION", "EVENTS", "COVERS_UNTIL", "MAX_ID", "STATE_BYTES",
                    "SAVED_AT");
            saved.forEach(s -> out.printf(row, s.userId(), s.projection(), s.version(),
                    String.format("%,d", s.eventCount()), s.covers().timestamp(), s.covers().maxId(),
                    String.format("%,d", s.stateBytes()), s.savedAt()));
        }
        return 0;
    }
}
