package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.UserEventCount;
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

@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Lists the users with the most events, so you find an id to project.")
final class UsersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "How many users (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ObjectMapper mapper;
    private final Provider<EventStore> store;

    @Inject
    UsersCommand(ObjectMapper mapper, Provider<EventStore> store) {
        this.mapper = mapper;
        this.store = store;
    }

    @Override
    public Integer call() {
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
        }
        List<UserEventCount> users;
        users = store.get().topUsers(top);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            Output.json(out, mapper, users); // [{"user_id","event_count"}]
        } else {
            out.printf("%-36s %12s%n", "USER_ID", "EVENTS");
            users.forEach(u -> out.printf("%-36s %,12d%n", u.userId(), u.eventCount()));
        }
        return 0;
    }
}
