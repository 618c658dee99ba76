package com.sevenmind.eventstore.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The global feed: every stored event of every user once, in a stable order, read in batches after a position
 * that a reader stores as text. A forget appears as a {@link FeedEntry.Forgotten} entry at its place in the order.
 *
 * <p>The order is (writing transaction, id). A read takes only entries of transactions below its snapshot's xmin,
 * the oldest transaction still running: each of those has committed or rolled back, so no entry can ever appear
 * before a position already given out, and nothing is skipped. The price is latency, never loss: a write
 * transaction held open anywhere in the server holds the feed back until it ends (see docs/feed.md).
 */
public final class Feed {

    /** The most entries one read returns. */
    public static final int MAX_LIMIT = 10_000;

    /** Events, then tombstones, each after the position and below the horizon; both in the statement's snapshot. */
    private static final String READ = """
            SELECT tx, id, user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at, payload,
                   received_at, metadata, user_hash
            FROM ((SELECT tx, id, user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at,
                          payload::text, received_at, metadata::text, NULL AS user_hash
                   FROM events
                   WHERE (tx, id) > (CAST(:tx AS xid8), :id) AND tx < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY tx, id LIMIT :limit)
                  UNION ALL
                  (SELECT tx, id, NULL, NULL, NULL, NULL, NULL, forgotten_at, NULL, NULL, NULL,
                          encode(user_hash, 'hex')
                   FROM forgotten_users
                   WHERE (tx, id) > (CAST(:tx AS xid8), :id) AND tx < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY tx, id LIMIT :limit)) entries
            ORDER BY tx, id LIMIT :limit
            """;

    private final Jdbi jdbi;
    private final String description;
    private volatile Integer epoch;

    Feed(Jdbi jdbi, String description) {
        this.jdbi = jdbi;
        this.description = description;
    }

    /** A read's entries, in feed order, and where the next read goes on from (the position read after, if none). */
    public record Batch(List<FeedEntry> entries, FeedPosition next) {
    }

    /**
     * Up to {@code limit} entries after {@code after} ({@link FeedPosition#START} for the beginning) that are final:
     * none of them can be followed later by one that sorts before it. Fewer, or none, when the rest is not final yet.
     *
     * @param after the position to read after: {@link FeedPosition#START} or one a batch gave
     * @param limit the most entries to return
     * @return the entries, and the position after them
     * @throws IllegalArgumentException for a limit out of 1..{@value #MAX_LIMIT}, or a position of another epoch
     */
    public Batch read(FeedPosition after, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is out of range: 1 to " + MAX_LIMIT);
        }
        int current = check(after);
        List<FeedEntry> entries = Database.guarded(jdbi, description, h -> h.createQuery(READ)
                .bind("tx", Long.toString(after.tx()))
                .bind("id", after.id())
                .bind("limit", limit)
                .map((rs, ctx) -> entry(rs, current))
                .list());
        return new Batch(entries, entries.isEmpty() ? after : entries.get(entries.size() - 1).position());
    }

    /**
     * Refuses a position of another epoch than the feed's (taken before a restore); returns the feed's epoch.
     *
     * @param position a position a reader kept
     * @return the epoch of this store
     * @throws IllegalArgumentException naming both epochs
     */
    public int check(FeedPosition position) {
        int current = epoch();
        if (!position.isStart() && position.epoch() != current) {
            throw new IllegalArgumentException("position " + position + " is of the feed's epoch " + position.epoch()
                    + ", but the feed is at epoch " + current + " (it moves on when the store is restored): read "
                    + "it again from the beginning");
        }
        return current;
    }

    /**
     * The feed's epoch: what a position must carry to be read after.
     *
     * @return the epoch every position of this store carries
     * @throws StoreException on a Citus cluster, where this read is not safe yet (see docs/feed.md)
     */
    public int epoch() {
        Integer known = epoch;
        if (known == null) {
            // On Citus a transaction id is one node's, and a multi-shard commit reaches the workers after the
            // coordinator's: this horizon could pass rows not yet visible, and skip them. Refused, never wrong.
            boolean citus = Database.guarded(jdbi, description, h -> h.createQuery(
                    "SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')").mapTo(Boolean.class).one());
            if (citus) {
                throw new StoreException("the global feed does not run on a Citus cluster yet: a multi-shard commit "
                        + "reaches the workers after the coordinator, and this read could skip it");
            }
            known = Database.guarded(jdbi, description,
                    h -> h.createQuery("SELECT epoch FROM feed_epoch").mapTo(Integer.class).one());
            epoch = known;
        }
        return known;
    }

    private static FeedEntry entry(ResultSet rs, int epoch) throws SQLException {
        FeedPosition position = new FeedPosition(epoch, Long.parseLong(rs.getString(1)), rs.getLong(2));
        UUID user = rs.getObject(3, UUID.class);
        if (user == null) {
            return new FeedEntry.Forgotten(position, rs.getString(12), EventStore.instant(rs, 8));
        }
        return new FeedEntry.Stored(position, user, rs.getString(4), rs.getString(5), rs.getInt(6),
                EventStore.instant(rs, 7), EventStore.instant(rs, 8), rs.getString(9), EventStore.instant(rs, 10),
                rs.getString(11));
    }
}
