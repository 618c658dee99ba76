package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: global options, given before the command, and the list of commands. */
@Command(name = "eventstore", mixinStandardHelpOptions = true,
        description = "An event store for user activity on plain PostgreSQL.",
        subcommands = {BenchCommand.class, ClusterCommand.class, DemoCommand.class, ExportCommand.class, FollowCommand.class,
                ForgetCommand.class, GenerateCommand.class, ImportCommand.class, MigrateEventsCommand.class,
                RejectedCommand.class, ProjectCommand.class, ProjectionsCommand.class, ServeCommand.class,
                SnapshotsCommand.class, UsersCommand.class},
        footer = {"", "Without --db-url an embedded PostgreSQL runs on --data-dir; the data stays there between runs.",
                "Exit codes: 0 ok, 1 failure, 2 usage error, 3 some input lines rejected (import)."})
final class EventStoreCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:EVENTSTORE_DATA_DIR:-data}",
            description = "Data directory of the embedded PostgreSQL (env EVENTSTORE_DATA_DIR; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "URL", defaultValue = "${env:EVENTSTORE_DB_URL}",
            description = "JDBC URL of an existing PostgreSQL to use instead of the embedded one "
                    + "(env EVENTSTORE_DB_URL; user and password from EVENTSTORE_DB_USER, EVENTSTORE_DB_PASSWORD).")
    String dbUrl;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens, and show stack traces of errors.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    boolean verbose() {
        return verbose;
    }

    /** The --db-url given (or from the environment), else null: the embedded server. */
    String dbUrl() {
        return dbUrl == null || dbUrl.isBlank() ? null : dbUrl;
    }

    /** The configured database, with the limits of a command that may legitimately run long. */
    Database openDatabase() {
        return openDatabase(Timeouts.COMMAND);
    }

    /** The configured database: the server at --db-url, else the embedded one on --data-dir. */
    Database openDatabase(Timeouts timeouts) {
        if (dbUrl() != null) {
            return Database.connect(dbUrl, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"),
                    timeouts);
        }
        return Database.embedded(dataDir, timeouts, reason -> {
            PrintWriter err = spec.commandLine().getErr();
            err.println("eventstore: " + reason);
            err.flush();
            // A process without its database would fail every call forever; exiting lets a supervisor restart it.
            System.exit(1);
        });
    }
}
