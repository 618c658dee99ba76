package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.DatabaseConfig;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which database a command line uses: global options, given before the command, read into a {@link DatabaseConfig}
 * once the command line is parsed ({@link EventStoreCommand#databaseConfig()}).
 */
@Singleton
public final class DatabaseOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:EVENTSTORE_DATA_DIR:-data}",
            description = "Data directory of the embedded PostgreSQL (env EVENTSTORE_DATA_DIR; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "URL", defaultValue = "${env:EVENTSTORE_DB_URL}",
            description = "JDBC URL of an existing PostgreSQL to use instead of the embedded one "
                    + "(env EVENTSTORE_DB_URL; user and password from EVENTSTORE_DB_USER, EVENTSTORE_DB_PASSWORD).")
    String dbUrl;

    @Option(names = "--db-schema", paramLabel = "NAME", defaultValue = "${env:EVENTSTORE_DB_SCHEMA:-eventstore}",
            description = "Schema of the store's tables, made when missing "
                    + "(env EVENTSTORE_DB_SCHEMA; default: ${DEFAULT-VALUE}).")
    String dbSchema;

    @Option(names = "--no-migrate", defaultValue = "${env:EVENTSTORE_NO_MIGRATE:-false}",
            description = "Do not change the store's schema on start; fail, naming them, when migrations are pending "
                    + "(run db migrate first). For a service whose user may not change the schema "
                    + "(env EVENTSTORE_NO_MIGRATE=true).")
    boolean noMigrate;

    /** The --db-url given (or from the environment), else null: the embedded server. */
    public String dbUrl() {
        return dbUrl == null || dbUrl.isBlank() ? null : dbUrl;
    }

    /** The database the options name, opened as a command's: its limits and pool, migrated unless --no-migrate. */
    DatabaseConfig config() {
        return new DatabaseConfig(dbUrl(), dataDir, dbSchema, Timeouts.COMMAND, Database.POOL_SIZE,
                noMigrate ? Database.OnOpen.REQUIRE_MIGRATED : Database.OnOpen.MIGRATE, this::lost);
    }

    /** The embedded server went away for good: says why, and exits. */
    private void lost(String reason) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("eventstore: " + reason);
        err.flush();
        // A process without its database would fail every call forever; exiting lets a supervisor restart it.
        System.exit(1);
    }
}
