package com.sevenmind.eventstore.store;

import java.time.Instant;

/**
 * How far a read of a user's stream went: the last event read, by (timestamp, unique_id) and its {@code events.id},
 * and an id at or above that of every event of the user read up to there. A read of the snapshot cache sets that
 * bound to the highest id drawn when it began, and {@code sinceTx} to the oldest transaction running then: every
 * event with an id above the bound was written by a transaction at or above it. A plain stream read, which bounds
 * nothing, sets the bound to the last event's id and {@code sinceTx} to 0.
 */
public record StreamPosition(Instant timestamp, String uniqueId, long id, long maxId, long sinceTx) {
}
