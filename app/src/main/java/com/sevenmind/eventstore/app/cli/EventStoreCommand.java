package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.DatabaseConfig;
import com.sevenmind.eventstore.app.bench.BenchCommand;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The root command: global options, given before the command, and the list of commands. */
@Command(name = "eventstore", mixinStandardHelpOptions = true,
        description = "An event store for user activity on plain PostgreSQL.",
        subcommands = {BenchCommand.class, ClusterCommand.class, DbCommand.class, DemoCommand.class, ExportCommand.class,
                FeedCommand.class, FollowCommand.class,
                ForgetCommand.class, GenerateCommand.class, GlobalCommand.class, ImportCommand.class, MigrateEventsCommand.class,
                RejectedCommand.class, ProjectCommand.class, ProjectionsCommand.class, ServeCommand.class,
                SnapshotsCommand.class, UsersCommand.class, AutoComplete.GenerateCompletion.class},
        footer = {"", "Without --db-url an embedded PostgreSQL runs on --data-dir; the data stays there between runs.",
                "Completion in bash or zsh: source <(eventstore generate-completion)",
                "Exit codes: 0 ok, 1 failure, 2 usage error, 3 some input lines rejected (import)."})
@Singleton // the one picocli parses into, and the one the database is opened from
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

    /** How log lines are written; read before the first logger exists, see {@link #logFormat(String[])}. */
    public enum LogFormat { text, json, gcp }

    @Option(names = "--log-format", paramLabel = "text|json|gcp",
            defaultValue = "${env:EVENTSTORE_LOG_FORMAT:-text}",
            description = "Log lines on stderr as text, or each as one JSON object for a log collector, or as Google "
                    + "Cloud Logging reads them (env EVENTSTORE_LOG_FORMAT; default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    public boolean verbose() {
        return verbose;
    }

    /**
     * The database this command line opens: the global options, tuned by the command that runs when it opens its
     * database otherwise ({@link DatabaseConfig.Tuned}). Asked once the command line is parsed.
     */
    public DatabaseConfig databaseConfig() {
        ParseResult parsed = spec.commandLine().getParseResult();
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        DatabaseConfig config = database.config();
        return parsed.commandSpec().userObject() instanceof DatabaseConfig.Tuned tuned ? tuned.tune(config) : config;
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
        for (LogFormat format : LogFormat.values()) {
            if (format.name().equals(value)) {
                return format;
            }
        }
        return LogFormat.text;
    }
}
