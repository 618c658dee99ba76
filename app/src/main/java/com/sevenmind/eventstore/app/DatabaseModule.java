package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.app.cli.DatabaseOptions;
import com.sevenmind.eventstore.embedded.EmbeddedDatabase;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.GlobalProjections;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.SchemaMigrations;

/**
 * The database of a command line, and the store and projector on it. Commands ask for them through a
 * {@code Provider} when they run: options are read by then, and {@code --help} or a usage error opens nothing. The
 * database is opened once, on first use, and closed by {@link OpenedDatabase}.
 */
final class DatabaseModule extends AbstractModule {

    @Provides
    @Singleton
    Database database(DatabaseOptions options, OpenedDatabase opened) {
        String url = options.dbUrl();
        Database.Builder builder = url != null
                ? Database.builder(url, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"))
                : EmbeddedDatabase.builder(options.dataDir(), options::lost);
        Database db;
        try {
            db = builder.schema(options.dbSchema()).timeouts(options.timeouts()).poolSize(options.poolSize())
                    .onOpen(options.onOpen()).open();
        } catch (SchemaMigrations.PendingException e) {
            throw new IllegalStateException(e.getMessage() + "; with --no-migrate the store does not migrate: run "
                    + "'eventstore db migrate' as a user who may change the schema", e);
        }
        opened.set(db);
        return db;
    }

    @Provides
    @Singleton
    EventStore eventStore(Database db, EventCodec codec) {
        return db.eventStore(codec);
    }

    @Provides
    @Singleton
    GlobalProjections globalProjections(Database db, EventCodec codec, ObjectMapper mapper) {
        return new GlobalProjections(db, codec, mapper);
    }

    @Provides
    @Singleton
    Projector projector(Database db, EventCodec codec, ObjectMapper mapper) {
        return db.projector(codec, mapper);
    }
}
