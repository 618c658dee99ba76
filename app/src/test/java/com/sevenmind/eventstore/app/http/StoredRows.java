package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.embedded.EmbeddedServer;
import com.sevenmind.eventstore.store.Database;
import java.nio.file.Path;
import java.util.Properties;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows of the store on a data directory, read after the test's serve has gone: its embedded server started
 * again, and read through a connection of the test's own, as any client of that server connects.
 */
final class StoredRows {

    private StoredRows() {
    }

    static <R> R read(Path data, HandleCallback<R, RuntimeException> query) {
        try (EmbeddedServer server = EmbeddedServer.start(data, reason -> { })) {
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", server.password());
            properties.setProperty("currentSchema", Database.DEFAULT_SCHEMA);
            return Jdbi.create(server.jdbcUrl(), properties).withHandle(query);
        }
    }
}
