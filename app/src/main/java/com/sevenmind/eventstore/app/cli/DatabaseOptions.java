package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which database a command line uses (global options, given before the command) and how long its calls may take
 * (the command's kind). One per command line: the root command reads the options into it, the database is opened
 * from it.
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

    private boolean schemaAsIs;
    private Timeouts timeouts = Timeouts.COMMAND;
    private int poolSize = Database.POOL_SIZE;

    /** The --db-url given (or from the environment), else null: the embedded server. */
    public String dbUrl() {
        return dbUrl == null || dbUrl.isBlank() ? null : dbUrl;
    }

    public String dbSchema() {
        return dbSchema;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The limits of a command that may legitimately run long, unless {@link #serving} said otherwise. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** Connections in the pool, unless {@link #serving} said otherwise. */
    public int poolSize() {
        return poolSize;
    }

    /** What opening the database does to the store's schema: migrate it, unless --no-migrate or {@link #schemaAsIs}. */
    public Database.OnOpen onOpen() {
        return schemaAsIs ? Database.OnOpen.AS_IS : noMigrate ? Database.OnOpen.REQUIRE_MIGRATED
                : Database.OnOpen.MIGRATE;
    }

    /**
     * The schema is the command's subject (db status, db migrate): opened as it is. Call before the database is first
     * asked for.
     */
    void schemaAsIs() {
        this.schemaAsIs = true;
    }

    /** A server's limits and pool: call before the database is first asked for. */
    void serving(Timeouts timeouts, int poolSize) {
        this.timeouts = timeouts;
        this.poolSize = poolSize;
    }

    /** The embedded server went away for good: says why, and exits. */
    public void lost(String reason) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("eventstore: " + reason);
        err.flush();
        // A process without its database would fail every call forever; exiting lets a supervisor restart it.
        System.exit(1);
    }
}
