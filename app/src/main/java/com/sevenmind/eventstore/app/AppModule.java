package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;

/** Binds what the commands share. No I/O here: plugins are discovered in {@link Main} and handed in. */
final class AppModule extends AbstractModule {

    private final Plugins plugins;

    AppModule(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    protected void configure() {
        bind(ProjectionRegistry.class).toInstance(plugins.projections());
    }

    @Provides
    @Singleton
    ObjectMapper objectMapper() {
        return Json.newObjectMapper();
    }

    @Provides
    @Singleton
    EventCodec eventCodec(ObjectMapper mapper) {
        return new EventCodec(mapper, plugins.upcasters());
    }
}
