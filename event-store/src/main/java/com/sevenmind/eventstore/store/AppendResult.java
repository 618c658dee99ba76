package com.sevenmind.eventstore.store;

/**
 * What an append did.
 *
 * @param stored     events that were new and are now stored
 * @param duplicates events whose (user, unique_id) was already stored with the same content, or repeated within
 *                   the batch: re-deliveries, safe to drop
 * @param conflicts  events whose (user, unique_id) was already stored with different content: not stored over the
 *                   original
 */
public record AppendResult(long stored, long duplicates, long conflicts) {

    public static final AppendResult NONE = new AppendResult(0, 0, 0);

    public AppendResult plus(AppendResult other) {
        return new AppendResult(stored + other.stored, duplicates + other.duplicates, conflicts + other.conflicts);
    }
}
