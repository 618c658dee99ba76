package com.sevenmind.eventstore.store;

import java.time.Instant;

/**
 * How far a read of a user's stream went: the last event read, by (timestamp, unique_id) and its {@code events.id},
 * and an id at or above that of every event of the user read up to there. A read of the snapshot cache sets that
 * bound to the highest id drawn when it began; a plain stream read, which bounds nothing, to the last event's id.
 */
public record StreamPosition(Instant timestamp, String uniqueId, long id, long maxId) {
}
