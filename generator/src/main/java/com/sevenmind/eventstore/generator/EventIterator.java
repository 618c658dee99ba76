package com.sevenmind.eventstore.generator;

import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One pass of a {@link Generator}: makes a session at a time from users picked by their remaining quota, then lets
 * {@link Chaos} hold some events back and deliver some twice.
 *
 * <p>Chaos draws only from its own random generator, and only for knobs above 0, so with {@link Chaos#NONE} the
 * sessions, and the order they arrive in, are exactly those of the plain generator.
 */
final class EventIterator implements Iterator<ContentPieceEvent> {

    // The seed prototype's session shape; the end is missing in the remaining 5%.
    private static final double STARTED = 0.85;
    private static final double CANCELLED = 0.55;
    private static final double COMPLETED = 0.40;
    // How much of a piece a cancelled session plays.
    private static final double LEAST_PLAYED = 0.05;
    private static final double MOST_PLAYED = 0.95;
    // Chaos: how far a late event or a redelivered copy falls behind, in further events.
    private static final long MOST_LATE = 20_000;
    private static final long MOST_REDELIVERY_DELAY = 2_000;
    // Chaos: clock skew puts an end this far before its start; a second end comes this long after the first.
    private static final long LEAST_SKEW_MICROS = 1_000_000;
    private static final long MOST_SKEW_MICROS = 120_000_000;
    private static final long MOST_EXTRA_END_DELAY_MICROS = 600_000_000;

    private enum Ending { CANCELLED, COMPLETED, MISSING }

    /**
     * An event held back until {@code due} events have been made: late, or a {@code copy} to redeliver.
     * {@code order} breaks ties, so the arrival order is the same on every pass.
     */
    private record Pending(long due, long order, ContentPieceEvent event, boolean copy) {
    }

    private final List<User> users;
    private final long[] remaining;
    private final Catalogue catalogue;
    private final Instant periodStart;
    private final long periodMicros;
    private final SplittableRandom random;
    private final UniqueIds uniqueIds;
    private final Chaos chaos;
    private final SplittableRandom chaosRandom;
    private final ArrayDeque<ContentPieceEvent> session = new ArrayDeque<>(3);
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(Comparator.comparingLong(Pending::due).thenComparingLong(Pending::order));
    private long totalRemaining;
    // Events taken from the sessions so far: the clock that late events and redeliveries wait on.
    private long made;
    private long pendingOrder;

    EventIterator(List<User> users, long[] quotas, Catalogue catalogue, Instant periodStart, Duration period,
                  SplittableRandom random, UniqueIds uniqueIds, Chaos chaos, SplittableRandom chaosRandom) {
        this.users = users;
        this.remaining = quotas.clone();
        this.catalogue = catalogue;
        this.periodStart = periodStart;
        this.periodMicros = period.dividedBy(ChronoUnit.MICROS.getDuration());
        this.random = random;
        this.uniqueIds = uniqueIds;
        this.chaos = chaos;
        this.chaosRandom = chaosRandom;
        for (long quota : quotas) {
            totalRemaining += quota;
        }
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty() || moreMade();
    }

    @Override
    public ContentPieceEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all events have been generated");
        }
        while (true) {
            // What is due goes first; once the sessions run out, everything still pending arrives in due order.
            Pending due = pending.peek();
            if (due != null && (due.due() <= made || !moreMade())) {
                pending.poll();
                return due.copy() ? due.event() : emit(due.event());
            }
            ContentPieceEvent event = make();
            if (happens(chaos.late())) {
                hold(event, made + chaosRandom.nextLong(1, MOST_LATE + 1), false);
            } else {
                return emit(event);
            }
        }
    }

    private boolean moreMade() {
        return !session.isEmpty() || totalRemaining > 0;
    }

    /** The next event in the order the sessions make them, before late events and redeliveries. */
    private ContentPieceEvent make() {
        if (session.isEmpty()) {
            nextSession(pickUser());
        }
        made++;
        return session.poll();
    }

    /** An event arriving for the first time, perhaps to be delivered once more later. */
    private ContentPieceEvent emit(ContentPieceEvent event) {
        if (happens(chaos.redeliver())) {
            hold(event, made + chaosRandom.nextLong(MOST_REDELIVERY_DELAY + 1), true);
        }
        return event;
    }

    private void hold(ContentPieceEvent event, long due, boolean copy) {
        pending.add(new Pending(due, pendingOrder++, event, copy));
    }

    /** A chaos decision; a knob at 0 draws nothing. */
    private boolean happens(double probability) {
        return probability > 0 && chaosRandom.nextDouble() < probability;
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

        // Chaos comes after every draw of the plain session, from its own random generator.
        boolean ended = ending != Ending.MISSING;
        int size = (started ? 1 : 0) + (ended ? 1 : 0);
        // A second end counts against the quota like any event, so it needs one left over.
        Ending extraEnding = ended && remaining[userIndex] > size && happens(chaos.extraEnd())
                ? (chaosRandom.nextBoolean() ? Ending.COMPLETED : Ending.CANCELLED)
                : Ending.MISSING;
        if (started && ended && happens(chaos.skew())) {
            end = start.minus(chaosRandom.nextLong(LEAST_SKEW_MICROS, MOST_SKEW_MICROS + 1), ChronoUnit.MICROS);
        }
        Instant extraEnd = null;
        if (extraEnding != Ending.MISSING) {
            extraEnd = end.plus(chaosRandom.nextLong(MOST_EXTRA_END_DELAY_MICROS + 1), ChronoUnit.MICROS);
            size++;
        }
        if (size >= 2 && happens(chaos.sameMicro())) {
            Instant first = started ? start : end;
            start = first;
            end = first;
            extraEnd = extraEnd == null ? null : first;
        }

        if (started && !endFirst) {
            session.add(started(user, sessionId, start, piece));
        }
        if (ending != Ending.MISSING) {
            session.add(ended(ending, user, sessionId, end, piece, playedMicros));
        }
        if (started && endFirst) {
            session.add(started(user, sessionId, start, piece));
        }
        if (extraEnding != Ending.MISSING) {
            session.add(ended(extraEnding, user, sessionId, extraEnd, piece, playedMicros));
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

    private ContentPieceEvent started(User user, String sessionId, Instant at, ContentPiece piece) {
        return new ContentPieceStarted(user.id(), uniqueIds.next(), sessionId, at,
                user.country().timezone(), user.country().locale(), piece.content());
    }

    /** A Completed says the piece's length as its position; a Cancelled, how far it played. */
    private ContentPieceEvent ended(Ending ending, User user, String sessionId, Instant at, ContentPiece piece,
                        long playedMicros) {
        String timezone = user.country().timezone();
        String locale = user.country().locale();
        return ending == Ending.CANCELLED
                ? new ContentPieceCancelled(user.id(), uniqueIds.next(), sessionId, at, timezone, locale,
                        piece.content(), playedMicros / 1e6)
                : new ContentPieceCompleted(user.id(), uniqueIds.next(), sessionId, at, timezone, locale,
                        piece.content(), piece.lengthMicros() / 1e6);
    }
}
