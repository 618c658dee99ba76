package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@link AppendBatcher}'s usual case, events new to the store, in one statement committed on its own
 * ({@code sql/append_batch.sql}): under the push load a commit's time was its round trips, each waiting for a CPU.
 */
final class BatchStatement {

    private static final String SQL = Statements.sql("append_batch");

    private BatchStatement() {
    }

    /**
     * Whether the statement serves {@code store}'s database: not on Citus, whose coordinator runs an INSERT … SELECT
     * of arrays through intermediate results, slower than the transaction of COPY it replaces.
     */
    static boolean serves(EventStore store) {
        return store.inDatabase(h -> h.createQuery(
                "SELECT NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')").mapTo(Boolean.class).one());
    }

    /**
     * Stores those of {@code events} (distinct keys, in key order) whose keys are new and whose users are not
     * forgotten, in the current schema version; all or none of them.
     *
     * @return the keys stored
     * @throws StoreException when the database failed or refused an event: then none was stored
     */
    static Set<EventKey> append(EventStore store, List<? extends Event> events, List<PipelineMetadata> metadata) {
        EventCodec codec = store.codec();
        int n = events.size();
        String[] users = new String[n];
        String[] ids = new String[n];
        String[] types = new String[n];
        Integer[] versions = new Integer[n];
        String[] timestamps = new String[n];
        String[] payloads = new String[n];
        String[] received = new String[n];
        String[] json = new String[n];
        Set<UUID> distinctUsers = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            PipelineMetadata m = metadata.get(i) == null ? PipelineMetadata.NONE : metadata.get(i);
            users[i] = e.userId().toString();
            ids[i] = e.uniqueId();
            types[i] = e.eventType();
            versions[i] = codec.storedVersion(e, EventCodec.CURRENT_SCHEMA_VERSION);
            timestamps[i] = DateTimeFormatter.ISO_INSTANT.format(e.timestamp());
            payloads[i] = codec.payload(e, EventCodec.CURRENT_SCHEMA_VERSION);
            received[i] = m.receivedAt() == null ? null : DateTimeFormatter.ISO_INSTANT.format(m.receivedAt());
            json[i] = m.json();
            distinctUsers.add(e.userId());
        }
        long[] keys = distinctUsers.stream().mapToLong(EventStore::userLock).sorted().distinct().toArray();
        return store.inDatabase(h -> new HashSet<>(h.createQuery(SQL)
                .bindArray("users", String.class, (Object[]) users)
                .bindArray("ids", String.class, (Object[]) ids)
                .bindArray("types", String.class, (Object[]) types)
                .bindArray("versions", Integer.class, (Object[]) versions)
                .bindArray("timestamps", String.class, (Object[]) timestamps)
                .bindArray("payloads", String.class, (Object[]) payloads)
                .bindArray("received", String.class, (Object[]) received)
                .bindArray("metadata", String.class, (Object[]) json)
                .bindArray("keys", long.class, keys)
                .bindArray("lockUsers", String.class, distinctUsers.stream().map(UUID::toString).toList())
                .bind("channel", LiveFeed.CHANNEL)
                .bindArray("notifications", String.class, LiveFeed.payloads(distinctUsers))
                .map((rs, ctx) -> new EventKey(rs.getObject(1, UUID.class), rs.getString(2)))
                .list()));
    }
}
