package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.bench.BenchCommand;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: global options, given before the command, and the list of commands. */
@Command(name = "eventstore", mixinStandardHelpOptions = true, version = "eventstore 0.1.0",
        description = "An event store for user activity on plain PostgreSQL.",
        subcommands = {BenchCommand.class, ClusterCommand.class, DemoCommand.class, ExportCommand.class, FollowCommand.class,
                ForgetCommand.class, GenerateCommand.class, ImportCommand.class, MigrateEventsCommand.class,
                RejectedCommand.class, ProjectCommand.class, ProjectionsCommand.class, ServeCommand.class,
                SnapshotsCommand.class, UsersCommand.class},
        footer = {"", "Without --db-url an embedded PostgreSQL runs on --data-dir; the data stays there between runs.",
                "Exit codes: 0 ok, 1 failure, 2 usage error, 3 some input lines rejected (import)."})
public final class EventStoreCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens, and show stack traces of errors.")
    boolean verbose;

    @Inject
    EventStoreCommand(DatabaseOptions database) {
        this.database = database;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    public boolean verbose() {
        return verbose;
    }

    /** The --db-url given (or from the environment), else null: the embedded server. */
    public String dbUrl() {
        return database.dbUrl();
    }
}
