package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.DatabaseConfig;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.DbStatus;
import com.sevenmind.eventstore.store.SchemaMigrations;
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

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"The store's schema: its migrations and tables. Every other command migrates the schema when "
                + "it opens the database, unless --no-migrate is given; these two open it as it is."},
        subcommands = {DbCommand.Migrate.class, DbCommand.Status.class})
final class DbCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    /** What both subcommands take: the database, opened as it is, and text or JSON out. */
    private abstract static class Subcommand<R> implements Callable<Integer>, DatabaseConfig.Tuned {

        @Spec
        CommandSpec spec;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
        Format format;

        final ObjectMapper mapper;
        final Provider<Database> database;

        Subcommand(ObjectMapper mapper, Provider<Database> database) {
            this.mapper = mapper;
            this.database = database;
        }

        /** The schema is the subject: opened as it is. */
        @Override
        public DatabaseConfig tune(DatabaseConfig config) {
            return config.asIs();
        }

        @Override
        public Integer call() {
            R result = run(database.get());
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.json) {
                Output.json(out, mapper, result);
            } else {
                printText(out, result);
            }
            out.flush();
            return 0;
        }

        abstract R run(Database db);

        abstract void printText(PrintWriter out, R result);
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Applies the store's pending migrations and prints those applied (version, description) "
                    + "and the schema version after. Run it as a user who may change the schema, before services "
                    + "that start with --no-migrate.",
                    "Exit 1, with one line, when the database cannot be migrated."})
    static final class Migrate extends Subcommand<SchemaMigrations.Migrated> {

        @Inject
        Migrate(ObjectMapper mapper, Provider<Database> database) {
            super(mapper, database);
        }

        @Override
        SchemaMigrations.Migrated run(Database db) {
            return db.migrations().migrate();
        }

        @Override
        void printText(PrintWriter out, SchemaMigrations.Migrated m) {
            m.applied().forEach(a -> out.printf("applied  %-5s %s%n", a.version(), a.description()));
            out.printf(m.applied().isEmpty() ? "schema %s is up to date at version %s%n"
                    : "schema %s now at version %s%n", m.schema(), m.after());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the store's migrations, applied and pending (version, description, installed on, "
                    + "state), the schema version, and each of the store's tables with its estimated rows and "
                    + "bytes; on Citus also how each table is distributed (as cluster status shows it).",
                    "Changes nothing. Exit 0 also with migrations pending; exit 1 when the database cannot be "
                            + "reached."})
    static final class Status extends Subcommand<DbStatus> {

        @Inject
        Status(ObjectMapper mapper, Provider<Database> database) {
            super(mapper, database);
        }

        @Override
        DbStatus run(Database db) {
            return db.status();
        }

        @Override
        void printText(PrintWriter out, DbStatus s) {
            out.printf("schema %s at version %s: %d applied, %d pending%s%n", s.schema(),
                    s.schemaVersion() == null ? "none" : s.schemaVersion(), s.applied().size(), s.pending().size(),
                    s.pending().isEmpty() ? "" : " (run db migrate)");
            out.println();
            String migration = "%-7s  %-40s  %-20s  %s%n";
            out.printf(migration, "VERSION", "DESCRIPTION", "INSTALLED ON", "STATE");
            for (List<SchemaMigrations.Migration> list : List.of(s.applied(), s.pending())) {
                list.forEach(m -> out.printf(migration, m.version(), m.description(),
                        m.installedOn() == null ? "-" : m.installedOn().toString().replaceFirst("\\.\\d+Z$", "Z"),
                        m.state()));
            }
            out.println();
            String table = "%-26s  %13s  %15s%s%n";
            out.printf(table, "TABLE", "ROWS (EST.)", "BYTES", s.citus() ? "  DISTRIBUTION" : "");
            if (s.tables().isEmpty()) {
                out.println("(none yet: the schema is made by the first migration)");
            }
            s.tables().forEach(t -> out.printf(table, t.name(), number(t.rowsEstimate()), number(t.bytes()),
                    t.distribution() == null ? "" : "  " + ClusterCommand.Status.distribution(t.distribution(),
                            t.distributionColumn(), t.colocatedWith())));
        }

        private static String number(Long value) {
            return value == null ? "unknown" : String.format("%,d", value);
        }
    }
}
