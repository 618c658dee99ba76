package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.bench.BenchCommand;
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

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:EVENTSTORE_DATA_DIR:-data}",
            description = "Data directory of the embedded PostgreSQL (env EVENTSTORE_DATA_DIR; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "URL", defaultValue = "${env:EVENTSTORE_DB_URL}",
            description = "JDBC URL of an existing PostgreSQL to use instead of the embedded one "
                    + "(env EVENTSTORE_DB_URL; user and password from EVENTSTORE_DB_USER, EVENTSTORE_DB_PASSWORD).")
    String dbUrl;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens, and show stack traces of errors.")
    boolean verbose;

    /** How log lines are written; read before the first logger exists, see {@link #logFormat(String[])}. */
    public enum LogFormat { text, json }

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:EVENTSTORE_LOG_FORMAT:-text}",
            description = "Log lines on stderr as text, or each as one JSON object for a log collector "
                    + "(env EVENTSTORE_LOG_FORMAT; default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    public boolean verbose() {
        return verbose;
    }

    /**
     * The log format a command line asks for, found before it is parsed: logging is set up before the first logger,
     * which comes before picocli. A value that is not one is left to picocli to refuse.
     */
    public static LogFormat logFormat(String[] args, String environment) {
        String value = environment;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--log-format=")) {
                value = args[i].substring("--log-format=".length());
            }
        }
        return "json".equals(value) ? LogFormat.json : LogFormat.text;
    }

    /** The --db-url given (or from the environment), else null: the embedded server. */
    public String dbUrl() {
        return dbUrl == null || dbUrl.isBlank() ? null : dbUrl;
    }

    /** The configured database, with the limits of a command that may legitimately run long. */
    Database openDatabase() {
        return openDatabase(Timeouts.COMMAND);
    }

    /** The configured database: the server at --db-url, else the embedded one on --data-dir. */
    Database openDatabase(Timeouts timeouts) {
        return openDatabase(timeouts, Database.POOL_SIZE);
    }

    /** The configured database, through a pool of {@code poolSize} connections. */
    Database openDatabase(Timeouts timeouts, int poolSize) {
        if (dbUrl() != null) {
            return Database.connect(dbUrl, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"),
                    timeouts, poolSize);
        }
        return Database.embedded(dataDir, timeouts, poolSize, reason -> {
            PrintWriter err = spec.commandLine().getErr();
            err.println("eventstore: " + reason);
            err.flush();
            // A process without its database would fail every call forever; exiting lets a supervisor restart it.
            System.exit(1);
        });
    }
}
