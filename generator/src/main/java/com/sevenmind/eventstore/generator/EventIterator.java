package com.sevenmind.eventstore.generator;

import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/** One pass of a {@link Generator}: emits a session at a time from users picked by their remaining quota. */
final class EventIterator implements Iterator<Event> {

    // The seed prototype's session shape; the end is missing in the remaining 5%.
    private static final double STARTED = 0.85;
    private static final double CANCELLED = 0.55;
    private static final double COMPLETED = 0.40;
    // How much of a piece a cancelled session plays.
    private static final double LEAST_PLAYED = 0.05;
    private static final double MOST_PLAYED = 0.95;

    private enum Ending { CANCELLED, COMPLETED, MISSING }

    private final List<User> users;
    private final long[] remaining;
    private final Catalogue catalogue;
    private final Instant periodStart;
    private final long periodMicros;
    private final SplittableRandom random;
    private final UniqueIds uniqueIds;
    private final ArrayDeque<Event> session = new ArrayDeque<>(2);
    private long totalRemaining;

    EventIterator(List<User> users, long[] quotas, Catalogue catalogue, Instant periodStart, Duration period,
                  SplittableRandom random, UniqueIds uniqueIds) {
        this.users = users;
        this.remaining = quotas.clone();
        this.catalogue = catalogue;
        this.periodStart = periodStart;
        this.periodMicros = period.dividedBy(ChronoUnit.MICROS.getDuration());
        this.random = random;
        this.uniqueIds = uniqueIds;
        for (long quota : quotas) {
            totalRemaining += quota;
        }
    }

    @Override
    public boolean hasNext() {
        return !session.isEmpty() || totalRemaining > 0;
    }

    @Override
    public Event next() {
        if (session.isEmpty()) {
            if (totalRemaining == 0) {
                throw new NoSuchElementException("all events have been generated");
            }
            nextSession(pickUser());
        }
        return session.poll();
    }

    /** A linear scan: users are few, and this keeps picks proportional to the quota left. */
    private int pickUser() {
        long r = random.nextLong(totalRemaining);
        int i = 0;
        while (r >= remaining[i]) {
            r -= remaining[i];
            i++;
        }
        return i;
    }

    private void nextSession(int userIndex) {
        boolean started;
        Ending ending;
        do {
            started = random.nextDouble() < STARTED;
            ending = ending(random.nextDouble());
        } while (!started && ending == Ending.MISSING);
        // The user's last session, cut to fit the quota: keep its start, lose its end.
        if (started && ending != Ending.MISSING && remaining[userIndex] == 1) {
            ending = Ending.MISSING;
        }

        ContentPiece piece = catalogue.pick(random);
        long playedMicros = ending == Ending.CANCELLED
                ? Math.round(piece.lengthMicros() * random.nextDouble(LEAST_PLAYED, MOST_PLAYED))
                : piece.lengthMicros();
        // The period is longer than any piece, so the whole session fits inside it.
        Instant start = periodStart.plus(random.nextLong(periodMicros - playedMicros), ChronoUnit.MICROS);
        Instant end = start.plus(playedMicros, ChronoUnit.MICROS);
        String sessionId = Uuids.randomV4(random).toString();
        User user = users.get(userIndex);

        // Which of the two arrives first is a coin flip: ends may overtake starts on the way to the store.
        boolean endFirst = random.nextBoolean();
        if (started && !endFirst) {
            session.add(started(user, sessionId, start, piece));
        }
        if (ending != Ending.MISSING) {
            session.add(ended(ending, user, sessionId, end, piece));
        }
        if (started && endFirst) {
            session.add(started(user, sessionId, start, piece));
        }
        remaining[userIndex] -= session.size();
        totalRemaining -= session.size();
    }

    private static Ending ending(double draw) {
        if (draw < CANCELLED) {
            return Ending.CANCELLED;
        }
        return draw < CANCELLED + COMPLETED ? Ending.COMPLETED : Ending.MISSING;
    }

    private Event started(User user, String sessionId, Instant at, ContentPiece piece) {
        return new ContentPieceStarted(user.id(), uniqueIds.next(), sessionId, at,
                user.country().timezone(), user.country().locale(), piece.objectUri());
    }

    private Event ended(Ending ending, User user, String sessionId, Instant at, ContentPiece piece) {
        String timezone = user.country().timezone();
        String locale = user.country().locale();
        return ending == Ending.CANCELLED
                ? new ContentPieceCancelled(user.id(), uniqueIds.next(), sessionId, at, timezone, locale,
                        piece.objectUri())
                : new ContentPieceCompleted(user.id(), uniqueIds.next(), sessionId, at, timezone, locale,
                        piece.objectUri());
    }
}
