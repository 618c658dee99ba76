package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an append did.
 *
 * @param stored     events that were new and are now stored
 * @param duplicates events whose (user, unique_id) was already stored with the same content, or repeated within
 *                   the batch: re-deliveries, safe to drop
 * @param conflicts  events whose (user, unique_id) was already stored with different content: not stored over the
 *                   original
 * @param forgotten  events of users who were forgotten: dropped, not kept anywhere. In JSON only when not 0, so
 *                   that the answers of a store without forgotten users keep their shape
 */
public record AppendResult(long stored, long duplicates, long conflicts,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) long forgotten) {

    /** Nothing appended: the result of an empty batch. */
    public static final AppendResult NONE = new AppendResult(0, 0, 0);

    /**
     * Nothing of a forgotten user in it.
     *
     * @param stored how many were stored
     * @param duplicates how many were duplicates
     * @param conflicts how many were conflicts
     */
    public AppendResult(long stored, long duplicates, long conflicts) {
        this(stored, duplicates, conflicts, 0);
    }

    /**
     * The counts of this and another append together.
     *
     * @param other another append's result
     * @return the sums
     */
    public AppendResult plus(AppendResult other) {
        return new AppendResult(stored + other.stored, duplicates + other.duplicates, conflicts + other.conflicts,
                forgotten + other.forgotten);
    }
}
