package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import java.util.UUID;

/**
 * An event's key in the store: its user and its {@code unique_id}, unique together. Ordered by user (by the
 * uuid's bytes, as PostgreSQL orders it) then by {@code unique_id}, so appenders that take the unique
 * index's locks in this order wait for each other instead of deadlocking.
 */
record EventKey(UUID userId, String uniqueId) implements Comparable<EventKey> {

    static EventKey of(Event event) {
        return new EventKey(event.userId(), event.uniqueId());
    }

    @Override
    public int compareTo(EventKey other) {
        int byUser = Long.compareUnsigned(userId.getMostSignificantBits(), other.userId.getMostSignificantBits());
        if (byUser == 0) {
            byUser = Long.compareUnsigned(userId.getLeastSignificantBits(), other.userId.getLeastSignificantBits());
        }
        return byUser != 0 ? byUser : uniqueId.compareTo(other.uniqueId);
    }
}
