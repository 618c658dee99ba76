package com.sevenmind.eventstore.store;

import java.time.Instant;
import java.util.UUID;

/** One entry of the {@link Feed}: a stored event as it is stored, whatever its type, or a forgotten user. */
public sealed interface FeedEntry {

    /**
     * Where a reader that has taken this entry resumes.
     *
     * @return the position after this entry
     */
    FeedPosition position();

    /**
     * A stored event, its row as the store keeps it: the payload and the metadata as stored JSON text (the metadata
     * null when there is none), of the schema version stored. {@code id} is the event's id in the store.
     */
    record Stored(FeedPosition position, long id, UUID user, String uniqueId, String eventType, int schemaVersion,
                  Instant timestamp, Instant recordedAt, String payload, Instant receivedAt, String metadata)
            implements FeedEntry {
    }

    /**
     * A user was forgotten: every event of theirs the feed gave before this entry is deleted, and no later entry
     * names them. {@code userHash} is the tombstone's keyed hash of the user's id in hex (null for a tombstone
     * written before the store kept hashes); the store never hands out the id itself. A consumer that keeps the
     * users' ids matches it with {@code SELECT forgotten_user_hash(id)} on the store's database; a consumer that
     * keeps only counts rebuilds from the feed.
     */
    record Forgotten(FeedPosition position, String userHash, Instant forgottenAt) implements FeedEntry {
    }
}
