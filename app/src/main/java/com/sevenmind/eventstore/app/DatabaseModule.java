package com.sevenmind.eventstore.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.app.cli.EventStoreCommand;
import com.sevenmind.eventstore.embedded.EmbeddedDatabase;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.SchemaMigrations;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database of a command line, and the store and projector on it ({@link StoreModule}). Commands ask for them
 * through a {@code Provider} when they run: the command line is parsed by then, and {@code --help} or a usage error
 * opens nothing. The database is opened once, on first use, as the global options and the command that runs say
 * ({@link EventStoreCommand#databaseConfig()}); this module opened it, and closing the module closes it.
 */
final class DatabaseModule extends AbstractModule implements AutoCloseable {

    private final AtomicReference<Database> opened = new AtomicReference<>();

    @Override
    protected void configure() {
        install(new StoreModule());
    }

    @Provides
    @Singleton
    Database database(EventStoreCommand root) {
        DatabaseConfig config = root.databaseConfig();
        Database.Builder builder = config.url() != null
                ? Database.builder(config.url(), System.getenv("EVENTSTORE_DB_USER"),
                        System.getenv("EVENTSTORE_DB_PASSWORD"))
                : EmbeddedDatabase.builder(config.dataDir(), config.lost());
        Database db;
        try {
            db = builder.schema(config.schema()).timeouts(config.timeouts()).poolSize(config.poolSize())
                    .onOpen(config.onOpen()).open();
        } catch (SchemaMigrations.PendingException e) {
            throw new IllegalStateException(e.getMessage() + "; with --no-migrate the store does not migrate: run "
                    + "'eventstore db migrate' as a user who may change the schema", e);
        }
        opened.set(db);
        return db;
    }

    /** Closes the database, if it was opened. */
    @Override
    public void close() {
        Database db = opened.getAndSet(null);
        if (db != null) {
            db.close();
        }
    }
}
