package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Appends events to the one {@code events} table and reads user streams back in event-time order. */
public final class EventStore {

    // Rows sorted by the unique key, so concurrent appenders of overlapping batches take the index locks in the
    // same order and wait for each other instead of deadlocking.
    private static final String APPEND = """
            INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
            SELECT b.user_uuid::uuid, b.unique_id, b.event_type, :version, b.ts::timestamptz, b.payload::jsonb
            FROM unnest(:users, :ids, :types, :timestamps, :payloads) AS b(user_uuid, unique_id, event_type, ts, payload)
            ORDER BY b.user_uuid::uuid, b.unique_id COLLATE "C"
            ON CONFLICT (user_uuid, unique_id) DO NOTHING
            """;

    private static final String STREAM = """
            SELECT id, unique_id, event_type, schema_version, "timestamp", recorded_at, payload::text AS payload
            FROM events
            WHERE user_uuid = :user %s
            ORDER BY "timestamp", unique_id
            """;

    /** Rows fetched per round trip of the server-side cursor: enough to amortize, small enough to stay flat. */
    private static final int FETCH_SIZE = 2_000;

    private final Jdbi jdbi;
    private final EventCodec codec;

    public EventStore(Jdbi jdbi, EventCodec codec) {
        this.jdbi = jdbi;
        this.codec = codec;
    }

    public AppendResult append(Event event) {
        return append(List.of(event));
    }

    /**
     * Appends a batch in one statement and one transaction. Events whose (user, unique_id) is already stored, or
     * that repeat within the batch, are skipped and counted as duplicates; safe to call from several threads or
     * processes with overlapping batches.
     */
    public AppendResult append(Collection<? extends Event> events) {
        return append(events, EventCodec.CURRENT_SCHEMA_VERSION);
    }

    /** As {@link #append(Collection)}, writing the payloads in the shape of an older schema version. */
    public AppendResult append(Collection<? extends Event> events, int schemaVersion) {
        if (events.isEmpty()) {
            return AppendResult.NONE;
        }
        int n = events.size();
        List<String> users = new ArrayList<>(n);
        List<String> ids = new ArrayList<>(n);
        List<String> types = new ArrayList<>(n);
        List<String> timestamps = new ArrayList<>(n);
        List<String> payloads = new ArrayList<>(n);
        for (Event e : events) {
            users.add(e.userId().toString());
            ids.add(e.uniqueId());
            types.add(e.eventType());
            timestamps.add(DateTimeFormatter.ISO_INSTANT.format(e.timestamp()));
            payloads.add(codec.payload(e, schemaVersion));
        }
        int stored = jdbi.withHandle(h -> h.createUpdate(APPEND)
                .bind("version", (short) schemaVersion)
                .bindArray("users", String.class, users)
                .bindArray("ids", String.class, ids)
                .bindArray("types", String.class, types)
                .bindArray("timestamps", String.class, timestamps)
                .bindArray("payloads", String.class, payloads)
                .execute());
        return new AppendResult(stored, n - stored);
    }

    /** As {@link #stream(UUID, Instant, Consumer)}, with every event stored so far. */
    public StreamResult stream(UUID userId, Consumer<RecordedEvent> sink) {
        return stream(userId, null, sink);
    }

    /**
     * Feeds the user's events to {@code sink} ordered by (timestamp, unique_id), as current-version events, through
     * a server-side cursor in one read-only snapshot: constant memory whatever the stream's length. Events of types
     * this version does not know are passed over and counted.
     *
     * @param asOf null for every event; else only those recorded at or before it ("what did we know then")
     */
    public StreamResult stream(UUID userId, Instant asOf, Consumer<RecordedEvent> sink) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            long[] count = {0};
            Map<String, Long> unknown = new TreeMap<>();
            Query query = h.createQuery(STREAM.formatted(asOf == null ? "" : "AND recorded_at <= :asOf"))
                    .bind("user", userId);
            if (asOf != null) {
                query.bind("asOf", OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC));
            }
            query.setFetchSize(FETCH_SIZE)
                    .map((rs, ctx) -> {
                        count[0]++;
                        String type = rs.getString("event_type");
                        if (!codec.knows(type)) {
                            unknown.merge(type, 1L, Long::sum);
                            return null;
                        }
                        String uniqueId = rs.getString("unique_id");
                        int version = rs.getInt("schema_version");
                        try {
                            Event event = codec.fromStored(type, version, userId, uniqueId,
                                    rs.getObject("timestamp", OffsetDateTime.class).toInstant(),
                                    rs.getString("payload"));
                            return new RecordedEvent(rs.getLong("id"), version,
                                    rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), event);
                        } catch (InvalidEventException e) {
                            throw new StoreException("stored event " + uniqueId + " of user " + userId
                                    + " cannot be read: " + e.getMessage(), e);
                        }
                    })
                    .forEach(event -> {
                        if (event != null) {
                            sink.accept(event);
                        }
                    });
            return new StreamResult(count[0], unknown);
        });
    }

    /** The users with the most events, most first (ties by user id). */
    public List<UserEventCount> topUsers(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT user_uuid, count(*) AS n FROM events
                        GROUP BY user_uuid ORDER BY n DESC, user_uuid LIMIT :limit
                        """)
                .bind("limit", limit)
                .map((rs, ctx) -> new UserEventCount(rs.getObject("user_uuid", UUID.class), rs.getLong("n")))
                .list());
    }

    /** How many events the store holds. */
    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM events").mapTo(Long.class).one());
    }
}
