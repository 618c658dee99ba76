package com.sevenmind.eventstore.app.bench;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.generator.Chaos;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What {@code bench} stores: the reference workload (199,000 events of 100 users, seed 42, no chaos:
 * one main user with 100,000 events and 99 background users with 1,000 each, interleaved in arrival order, times
 * random within 2025), or a smaller one of the same shape, and the background users that fill the table for
 * {@code --scale}.
 *
 * @param events all events; a multiple of 199, so that the main user gets exactly 100 times a background user's
 */
record BenchWorkload(long events) {

    static final long REFERENCE_EVENTS = 199_000;
    static final long QUICK_EVENTS = REFERENCE_EVENTS / 5;
    static final int USERS = 100;
    static final long SEED = 42;
    /** Generator weights: a main character 100, each of the 99 others 1. */
    private static final long SHARES = 100 + (USERS - 1);
    /** Background users per generator of filler: the generator picks users by a linear scan, so keep it short. */
    private static final int FILLER_USERS_PER_GENERATOR = 100;

    BenchWorkload {
        if (events < SHARES || events % SHARES != 0) {
            throw new IllegalArgumentException("the workload's events must be a positive multiple of " + SHARES
                    + " (a main user with 100 times the events of each of 99 others), was " + events);
        }
    }

    long mainUserEvents() {
        return events / SHARES * 100;
    }

    long backgroundUserEvents() {
        return events / SHARES;
    }

    /** Workload sizes scale by this, 1 for the reference. */
    double scaleFactor() {
        return (double) events / REFERENCE_EVENTS;
    }

    GeneratorSettings settings() {
        GeneratorSettings defaults = GeneratorSettings.defaults();
        return new GeneratorSettings(USERS, 1, events, SEED, defaults.periodStart(), defaults.period(), Chaos.NONE);
    }

    /** The events in arrival order, with the main user and a background user to project. */
    Materialized materialize() {
        Generator generator = new Generator(settings());
        List<Event> list = new ArrayList<>((int) events);
        generator.events().forEachRemaining(list::add);
        return new Materialized(list, generator.mainCharacters().get(0), generator.users().get(1));
    }

    record Materialized(List<Event> events, UUID mainUser, UUID backgroundUser) {
    }

    /**
     * Generators of {@code users} more background users with {@link #backgroundUserEvents()} each, interleaved in
     * groups of up to 100; seeds from {@code firstSeed} on, one per generator, so every call of a run differs.
     */
    List<Generator> filler(long users, long firstSeed) {
        List<Generator> generators = new ArrayList<>();
        GeneratorSettings defaults = GeneratorSettings.defaults();
        long seed = firstSeed;
        for (long left = users; left > 0; left -= FILLER_USERS_PER_GENERATOR) {
            int n = (int) Math.min(left, FILLER_USERS_PER_GENERATOR);
            generators.add(new Generator(new GeneratorSettings(n, 0, n * backgroundUserEvents(), seed++,
                    defaults.periodStart(), defaults.period(), Chaos.NONE)));
        }
        return generators;
    }
}
