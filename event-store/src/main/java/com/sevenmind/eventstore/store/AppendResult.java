package com.sevenmind.eventstore.store;

/**
 * What an append did.
 *
 * @param stored     events that were new and are now stored
 * @param duplicates events whose (user, unique_id) was already stored, or repeated within the batch
 */
public record AppendResult(long stored, long duplicates) {

    public static final AppendResult NONE = new AppendResult(0, 0);

    public AppendResult plus(AppendResult other) {
        return new AppendResult(stored + other.stored, duplicates + other.duplicates);
    }
}
