package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * A user's stored events with everything the store keeps of them, their pipeline metadata too, in stream order
 * ((timestamp, unique_id)): for {@code export} and for reading a stream page by page. Events of every type, those
 * without a registered record as {@link com.sevenmind.eventstore.api.GenericEvent}s.
 */
public final class StoredEvents {

    /** {@link EventStore}'s stream columns, the payload read, then the metadata. */
    private static final String READ = """
            SELECT id, unique_id, event_type, schema_version, "timestamp", recorded_at, payload::text, received_at,
                   metadata::text
            FROM events
            WHERE user_uuid = :user%s
            ORDER BY "timestamp", unique_id%s
            """;

    /** Rows per round trip of the cursor, as a stream read takes them. */
    private static final int FETCH_SIZE = 2_000;

    /** Takes each event read, with its metadata. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes one event.
         *
         * @param event    the event, its payload read
         * @param metadata what the pipeline said of it
         */
        void accept(RecordedEvent event, PipelineMetadata metadata);
    }

    private final EventStore store;

    StoredEvents(EventStore store) {
        this.store = store;
    }

    /**
     * Feeds {@code sink} the user's events after {@code after} (from the first when null), at most {@code limit}
     * rows of them (every one when 0), in one snapshot through a server-side cursor: constant memory per read.
     *
     * @param user the user
     * @param after where to go on from; null for the start
     * @param limit how many at most
     * @param sink takes each event
     * @return where the next read goes on from: the last row read, when more follow; null at the end of the stream
     */
    public StreamPosition read(UUID user, StreamPosition after, int limit, Sink sink) {
        return store.inDatabase(h -> h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
            tx.execute(EventStore.STREAM_SETTINGS);
            // One row more than asked for says whether the page is the last.
            Query query = tx.createQuery(READ.formatted(
                            after == null ? "" : " AND (\"timestamp\", unique_id) > (:afterTimestamp, :afterId)",
                            limit == 0 ? "" : " LIMIT " + (limit + 1)))
                    .bind("user", user);
            if (after != null) {
                query.bind("afterTimestamp", OffsetDateTime.ofInstant(after.timestamp(), ZoneOffset.UTC))
                        .bind("afterId", after.uniqueId());
            }
            int[] rows = {0};
            StreamPosition[] last = {null};
            boolean[] more = {false};
            query.setFetchSize(FETCH_SIZE).map((rs, ctx) -> {
                if (limit > 0 && rows[0] == limit) {
                    more[0] = true;
                    return null;
                }
                rows[0]++;
                long id = rs.getLong(1);
                last[0] = new StreamPosition(EventStore.instant(rs, 5), rs.getString(2), id, id, 0);
                String type = rs.getString(3);
                Instant receivedAt = EventStore.instant(rs, 8);
                sink.accept(store.recorded(rs, user, last[0], type, Set.of(), receivedAt, null, 0),
                        new PipelineMetadata(receivedAt, rs.getString(9)));
                return null;
            }).forEach(ignored -> { });
            return more[0] ? last[0] : null;
        }));
    }
}
