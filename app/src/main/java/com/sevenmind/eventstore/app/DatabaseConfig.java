package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Which database a command line opens, and how: the global options as parsed, then tuned by the command that runs
 * ({@link Tuned}). A value: nothing changes it once it is made.
 *
 * @param url     the JDBC URL of a server of the user's; null: the embedded one, on {@code dataDir}
 * @param onOpen  what opening does to the store's schema
 * @param lost    told why, when the embedded server went away for good
 */
public record DatabaseConfig(String url, Path dataDir, String schema, Timeouts timeouts, int poolSize,
                             Database.OnOpen onOpen, Consumer<String> lost) {

    /** A command whose database is opened otherwise than a command's: a server's limits, the schema as it is. */
    public interface Tuned {

        /** The database this command opens, from the global options' {@code config}. */
        DatabaseConfig tune(DatabaseConfig config);
    }

    /** A server's limits and pool. */
    public DatabaseConfig serving(Timeouts timeouts, int poolSize) {
        return new DatabaseConfig(url, dataDir, schema, timeouts, poolSize, onOpen, lost);
    }

    /** The schema is the command's subject (db status, db migrate): opened as it is. */
    public DatabaseConfig asIs() {
        return new DatabaseConfig(url, dataDir, schema, timeouts, poolSize, Database.OnOpen.AS_IS, lost);
    }
}
