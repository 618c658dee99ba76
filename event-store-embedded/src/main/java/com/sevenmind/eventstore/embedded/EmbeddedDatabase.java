package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.Database;
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
        return builder(dataDirectory, reason -> LOG.error(reason)).open();
    }

    /**
     * Starts the server on {@code dataDirectory} and returns the settings of a database on it, to be opened: closing
     * that database, or failing to open it, stops the server. If the server dies and cannot be started again,
     * {@code onLost} gets one line saying why.
     */
    public static Database.Builder builder(Path dataDirectory, Consumer<String> onLost) {
        EmbeddedServer server = EmbeddedServer.start(dataDirectory, onLost);
        return Database.builder(server.jdbcUrl(), "postgres", server.password()).onClose(server::close);
    }
}
