package com.sevenmind.eventstore.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Events of types other than the Content Piece ones, among a stream's: a projection receives every event of a user,
 * whatever its type, and must cope with those it does not know. After every {@value #EVERY}th event comes one of the
 * same user a microsecond later, by turns a {@link GenericEvent} (a type with no registered record) and a
 * {@link PlanChanged} (a registered type of the kit's own).
 */
final class OtherTypes implements Iterator<Event> {

    /** How often an event of another type follows. */
    static final int EVERY = 5;

    /** A registered type no projection of the store knows. */
    record PlanChanged(UUID userId, String uniqueId, Instant timestamp, String plan) implements Event {
    }

    private final Iterator<? extends Event> events;
    private final ArrayDeque<Event> pending = new ArrayDeque<>(1);
    private long seen;

    private OtherTypes(Iterator<? extends Event> events) {
        this.events = events;
    }

    /** {@code events} with events of other types among them. */
    static Iterator<Event> among(Iterator<? extends Event> events) {
        return new OtherTypes(events);
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty() || events.hasNext();
    }

    @Override
    public Event next() {
        if (!pending.isEmpty()) {
            return pending.removeFirst();
        }
        if (!events.hasNext()) {
            throw new NoSuchElementException();
        }
        Event event = events.next();
        if (++seen % EVERY == 0) {
            Instant at = event.timestamp().plus(1, ChronoUnit.MICROS);
            String id = "other-" + seen;
            pending.add(seen % (2 * EVERY) == 0
                    ? new PlanChanged(event.userId(), id, at, seen % 3 == 0 ? "yearly" : "monthly")
                    : new GenericEvent("Application Opened", event.userId(), id, at, 1,
                            JsonNodeFactory.instance.objectNode().put("build", seen)));
        }
        return event;
    }
}
