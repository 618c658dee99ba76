package com.sevenmind.eventstore.stats;

/** How many content pieces a user completed, started and cancelled, and all those Content Piece events together. */
public record Stats(long completedCount, long startedCount, long cancelledCount, long total) {

    static final Stats EMPTY = new Stats(0, 0, 0, 0);
}
