package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.GlobalProjections;
import com.sevenmind.eventstore.store.Projector;

/** The store, the projector and the global projections on the {@link Database} that another module binds. */
public final class StoreModule extends AbstractModule {

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
