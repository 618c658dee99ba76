package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Database} on an {@link EmbeddedServer} of its own: the server starts (or is created) on a data directory
 * that persists between runs, and stops when the database is closed.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private EmbeddedDatabase() {
    }

    /** Starts the server on {@code dataDirectory} and uses it; a server lost for good is logged. */
    public static Database start(Path dataDirectory) {
        return start(dataDirectory, Timeouts.COMMAND, reason -> LOG.error(reason));
    }

    /**
     * Starts the server on {@code dataDirectory} and uses it, each call bounded by {@code timeouts}. If the server
     * dies and cannot be started again, {@code onLost} gets one line saying why.
     */
    public static Database start(Path dataDirectory, Timeouts timeouts, Consumer<String> onLost) {
        return start(dataDirectory, Database.DEFAULT_SCHEMA, timeouts, onLost);
    }

    /** As {@link #start(Path, Timeouts, Consumer)}, the store's tables in {@code schema}. */
    public static Database start(Path dataDirectory, String schema, Timeouts timeouts, Consumer<String> onLost) {
        return start(dataDirectory, schema, timeouts, Database.POOL_SIZE, onLost);
    }

    /** As {@link #start(Path, String, Timeouts, Consumer)}, through a pool of {@code poolSize} connections. */
    public static Database start(Path dataDirectory, String schema, Timeouts timeouts, int poolSize,
                                 Consumer<String> onLost) {
        return builder(dataDirectory, onLost).schema(schema).timeouts(timeouts).poolSize(poolSize).open();
    }

    /**
     * Starts the server on {@code dataDirectory} and returns the settings of a database on it, to be opened: closing
     * that database, or failing to open it, stops the server.
     */
    public static Database.Builder builder(Path dataDirectory, Consumer<String> onLost) {
        EmbeddedServer server = EmbeddedServer.start(dataDirectory, onLost);
        return Database.builder(server.jdbcUrl(), "postgres", server.password()).onClose(server::close);
    }
}
