package com.sevenmind.eventstore.store;

import java.time.Instant;

/**
 * How far a read of a user's stream went: the last (timestamp, unique_id) read, and the highest {@code events.id}
 * among the events read up to there.
 */
public record StreamPosition(Instant timestamp, String uniqueId, long maxId) {
}
