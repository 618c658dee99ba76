package com.sevenmind.eventstore.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The store's counters in a host's Micrometer registry. */
record MicrometerMeters(MeterRegistry registry) implements StoreMeters {

    @Override
    public Runnable counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry)::increment;
    }
}
