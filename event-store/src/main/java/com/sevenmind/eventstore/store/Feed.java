package com.sevenmind.eventstore.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.HandleCallback;
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

    /**
     * One node's events, then the coordinator's tombstones, each after the node's cursor and below its horizon (the
     * HORIZON placeholder); both in the statement's snapshot. On one server the node is {@link FeedPosition#LOCAL}.
     */
    private static final String READ = """
            SELECT tx, id, user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at, payload,
                   received_at, metadata, user_hash
            FROM ((SELECT tx, id, user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at,
                          payload::text, received_at, metadata::text, NULL AS user_hash
                   FROM events
                   WHERE origin = :node AND (tx, id) > (CAST(:tx AS xid8), :id) AND tx < HORIZON
                   ORDER BY tx, id LIMIT :limit)
                  UNION ALL
                  (SELECT tx, id, NULL, NULL, NULL, NULL, NULL, forgotten_at, NULL, NULL, NULL,
                          encode(user_hash, 'hex')
                   FROM forgotten_users
                   WHERE CAST(:node AS bigint) = 0 AND (tx, id) > (CAST(:tx AS xid8), :id) AND tx < HORIZON
                   ORDER BY tx, id LIMIT :limit)) entries
            ORDER BY tx, id LIMIT :limit
            """;
    private static final String LOCAL_READ = READ.replace("HORIZON", "pg_snapshot_xmin(pg_current_snapshot())");
    private static final String NODE_READ = READ.replace("HORIZON", "CAST(:horizon AS xid8)");
    /**
     * A read walks the (origin, tx, id) index in order and stops at its limit. The planner cannot see how many rows
     * lie below a horizon that is a function's value, and after a bulk load (no statistics yet, or a histogram that
     * ends before the new rows) it guesses a few: it then fetches every row after the cursor and sorts them all, for
     * each batch (0.9 s instead of 0.05 s for a batch of 10,000 out of 40,000; quadratic over a long catch-up). No
     * sort is ever needed here, so none is allowed. On Citus the setting reaches the workers, where the shards are
     * read, as a stream read's work_mem does (citus.propagate_set_commands, V9).
     */
    private static final String NO_SORT = "SET LOCAL enable_sort = off";

    private final Jdbi jdbi;
    private final String description;
    private volatile Integer epoch;
    private volatile boolean citus;

    Jdbi jdbi() {
        return jdbi;
    }

    String description() {
        return description;
    }

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
        List<Row> rows = citus ? CitusFeed.rows(this, after, limit)
                : read(h -> h.createQuery(LOCAL_READ)
                        .bind("node", FeedPosition.LOCAL)
                        .bind("tx", Long.toUnsignedString(after.cursor(FeedPosition.LOCAL).tx()))
                        .bind("id", after.cursor(FeedPosition.LOCAL).id())
                        .bind("limit", limit)
                        .map((rs, ctx) -> row(FeedPosition.LOCAL, rs))
                        .list());
        List<FeedEntry> entries = new ArrayList<>(rows.size());
        FeedPosition position = after;
        for (Row row : rows) {
            position = position.with(current, row.node(), row.cursor());
            entries.add(row.entry(position));
        }
        return new Batch(entries, position);
    }

    /**
     * Up to {@code limit} rows of one node after its cursor in {@code after}, below {@code horizon} (that node's
     * xmin, read before this statement).
     */
    List<Row> readNode(FeedPosition after, long node, String horizon, int limit) {
        FeedPosition.Cursor from = after.cursor(node);
        return read(h -> h.createQuery(NODE_READ)
                .bind("node", node)
                .bind("tx", Long.toUnsignedString(from.tx()))
                .bind("id", from.id())
                .bind("horizon", horizon)
                .bind("limit", limit)
                .map((rs, ctx) -> row(node, rs))
                .list());
    }

    /** Runs one read statement in a transaction of its own that allows it no sort (see {@link #NO_SORT}). */
    private List<Row> read(HandleCallback<List<Row>, RuntimeException> statement) {
        return Database.guarded(jdbi, description, h -> h.inTransaction(t -> {
            t.execute(NO_SORT);
            return statement.withHandle(t);
        }));
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
     */
    public int epoch() {
        Integer known = epoch;
        if (known == null) {
            citus = Database.guarded(jdbi, description, Database::distributed);
            known = Database.guarded(jdbi, description,
                    h -> h.createQuery("SELECT epoch FROM feed_epoch").mapTo(Integer.class).one());
            epoch = known;
        }
        return known;
    }

    /** A row read from a node: its cursor, when it was stored, and the entry it is once its position is known. */
    record Row(long node, FeedPosition.Cursor cursor, Instant at, Function<FeedPosition, FeedEntry> entry) {
        FeedEntry entry(FeedPosition position) {
            return entry.apply(position);
        }
    }

    private static Row row(long node, ResultSet rs) throws SQLException {
        FeedPosition.Cursor cursor = new FeedPosition.Cursor(Long.parseUnsignedLong(rs.getString(1)), rs.getLong(2));
        UUID user = rs.getObject(3, UUID.class);
        Instant recordedAt = EventStore.instant(rs, 8);
        if (user == null) {
            String hash = rs.getString(12);
            return new Row(node, cursor, recordedAt, p -> new FeedEntry.Forgotten(p, hash, recordedAt));
        }
        String uniqueId = rs.getString(4);
        String type = rs.getString(5);
        int version = rs.getInt(6);
        Instant timestamp = EventStore.instant(rs, 7);
        String payload = rs.getString(9);
        Instant receivedAt = EventStore.instant(rs, 10);
        String metadata = rs.getString(11);
        return new Row(node, cursor, recordedAt, p -> new FeedEntry.Stored(p, cursor.id(), user, uniqueId, type,
                version, timestamp, recordedAt, payload, receivedAt, metadata));
    }
}
