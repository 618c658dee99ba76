package com.sevenmind.eventstore.generator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the {@link Generator} makes: how many users and events, over which period, from which seed, how scrambled.
 *
 * @param users          all users, main characters included; at least 1
 * @param mainCharacters users whose streams weigh 100 times a background user's; 0 to {@code users}
 * @param events         the total number of events; at least 0
 * @param seed           the only source of randomness: equal settings give equal events
 * @param periodStart    the earliest event time, in whole microseconds
 * @param period         how long the events span; longer than the longest content piece (30 minutes). Only chaos
 *                       moves events out: a skewed end up to 2 minutes before, a second end up to 10 minutes after
 * @param chaos          how much delivery scrambles the events; {@link Chaos#NONE} for none
 */
public record GeneratorSettings(
        int users, int mainCharacters, long events, long seed, Instant periodStart, Duration period, Chaos chaos) {

    public GeneratorSettings {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, was " + users);
        }
        if (mainCharacters < 0) {
            throw new IllegalArgumentException("main characters must be at least 0, was " + mainCharacters);
        }
        if (mainCharacters > users) {
            throw new IllegalArgumentException(
                    "main characters (" + mainCharacters + ") cannot exceed users (" + users + ")");
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must be at least 0, was " + events);
        }
        Objects.requireNonNull(periodStart, "period start cannot be null");
        Objects.requireNonNull(period, "period cannot be null");
        Objects.requireNonNull(chaos, "chaos cannot be null");
        // Events keep microseconds only; a finer start would be truncated to before the period.
        if (periodStart.getNano() % 1_000 != 0) {
            throw new IllegalArgumentException("period start must be in whole microseconds, was " + periodStart);
        }
        // Every session, start and end, must fit inside the period.
        if (period.compareTo(Catalogue.LONGEST_PIECE) <= 0) {
            throw new IllegalArgumentException("period must be longer than the longest content piece ("
                    + Catalogue.LONGEST_PIECE + "), was " + period);
        }
    }

    /** The reference scale: 100 users, one of them a main character, 12,000 events over 2025, seed 42, no chaos. */
    public static GeneratorSettings defaults() {
        return new GeneratorSettings(100, 1, 12_000, 42, Instant.parse("2025-01-01T00:00:00Z"), Duration.ofDays(365),
                Chaos.NONE);
    }
}
