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
import com.sevenmind.eventstore.store.Projector;

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
        Database db = url != null
                ? Database.builder(url, System.getenv("EVENTSTORE_DB_USER"), System.getenv("EVENTSTORE_DB_PASSWORD"))
                        .schema(options.dbSchema()).timeouts(options.timeouts()).poolSize(options.poolSize()).open()
                : EmbeddedDatabase.start(options.dataDir(), options.dbSchema(), options.timeouts(),
                        options.poolSize(), options::lost);
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
    Projector projector(Database db, EventCodec codec, ObjectMapper mapper) {
        return db.projector(codec, mapper);
    }
}
