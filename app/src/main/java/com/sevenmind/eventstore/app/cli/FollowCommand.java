package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.StoreException;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "follow", mixinStandardHelpOptions = true,
        description = {"Prints a user's projections as project does, then again each time new events of the user are "
                + "committed, by this or any other process, until interrupted (Ctrl-C, exit code 0).",
                "Bursts are coalesced: at most one update every " + Changes.MIN_INTERVAL_MILLIS + " ms, and the last change is always shown. "
                        + "After a lost database connection it reconnects and prints the current state."})
final class FollowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "USER_ID", description = "The user (UUID) to follow.")
    UUID user;

    @Option(names = "--projection", paramLabel = "NAME",
            description = "A projection to run (repeatable; default: all, see the projections command).")
    List<String> projectionNames = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one object per update and line).")
    Format format;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final Provider<Database> database;
    private final Provider<UserProjections> userProjections;

    @Inject
    FollowCommand(ProjectionRegistry registry, ObjectMapper mapper, Provider<Database> database,
                  Provider<UserProjections> userProjections) {
        this.registry = registry;
        this.mapper = mapper;
        this.database = database;
        this.userProjections = userProjections;
    }

    @Override
    public Integer call() {
        List<Projection<?>> projections = ProjectCommand.selected(registry, projectionNames, spec);
        PrintWriter out = spec.commandLine().getOut();
        try (LiveFeed feed = database.get().liveFeed(); Changes changes = Changes.of(feed, user);
             SignalsInterrupt ignored = SignalsInterrupt.install()) {
            UserProjections projecting = userProjections.get();
            // The first read's failure ends the command, as project's would; a later one (the database went away)
            // is reported, and the feed's re-read once it is back prints the current state.
            projecting.project(user, projections, this::print);
            while (!out.checkError()) {
                changes.await();
                try {
                    projecting.project(user, projections, this::print);
                } catch (StoreException e) {
                    spec.commandLine().getErr().println("eventstore: " + ErrorMessages.describe(e)
                            + "; following on once the database is back");
                }
            }
            // stdout is gone (the reader of a pipe stopped): there is no one to print for.
            return 0;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private Void print(Projected projected) {
        ProjectCommand.print(spec.commandLine().getOut(), mapper, format, projected, Lateness.DEFAULT_THRESHOLD);
        return null;
    }
}
