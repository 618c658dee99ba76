package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Binds what the commands share. No I/O here: plugins are discovered in {@link Main} and handed in. */
final class AppModule extends AbstractModule {

    private final Plugins plugins;

    AppModule(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    protected void configure() {
        bind(ProjectionRegistry.class).toInstance(plugins.projections());
        bind(GlobalProjectionRegistry.class).toInstance(plugins.globals());
    }

    @Provides
    @Singleton
    ObjectMapper objectMapper() {
        return Json.newObjectMapper();
    }

    /** What serve reports at /metrics: the JVM's meters here, the rest where they are measured. */
    @Provides
    @Singleton
    PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        // Listens to the collections for the process's life: closing it would only stop the counting.
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    @Provides
    @Singleton
    EventCodec eventCodec(ObjectMapper mapper) {
        return new EventCodec(mapper, plugins.upcasters(), plugins.eventTypes());
    }
}
