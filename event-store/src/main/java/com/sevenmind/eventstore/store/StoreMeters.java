package com.sevenmind.eventstore.store;

/**
 * Where the store counts. Micrometer is an optional dependency: {@link #NONE}, the default, names none of its
 * classes, so a host without Micrometer on its class path runs the store unchanged; {@link MicrometerMeters} is
 * loaded only when the host hands a registry to {@link Database#instrument}.
 */
interface StoreMeters {

    /** Counts nothing. */
    StoreMeters NONE = (name, description, tags) -> () -> { };

    /** A counter named {@code name} (Micrometer's dotted form) with {@code tags} as key, value, key, value... */
    Runnable counter(String name, String description, String... tags);
}
