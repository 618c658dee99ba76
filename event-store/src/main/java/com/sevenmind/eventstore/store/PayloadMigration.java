package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Rewrites stored payloads of older schema versions to the current one, in place, so that reads need no upcasting.
 *
 * <p>Each batch is one transaction that reads the next rows by key and writes them back upcast, on the condition that
 * their version is still the one read. A run killed at any point leaves every row either untouched or converted,
 * and the next run goes on from what is left: every row is converted exactly once, whatever runs concurrently.
 */
public final class PayloadMigration {

    /** How many stored events have this type and version. */
    public record TypeVersionCount(String eventType, int schemaVersion, long count) {
    }

    /**
     * What a run did.
     *
     * @param converted rows rewritten (with a dry run: rows that would have been)
     * @param complete  whether no row of an older version is left (with a dry run: whether all were read)
     */
    public record Result(long converted, long batches, boolean complete) {
    }

    private static final String NEXT_BATCH = """
            SELECT e.id, e.user_uuid, e.unique_id, e.event_type, e.schema_version, e.payload::text AS payload,
                   t.current
            FROM events e JOIN unnest(:types, :currents) AS t(name, current)
              ON e.event_type = t.name AND e.schema_version < t.current
            WHERE (e.user_uuid, e.unique_id) > (CAST(:afterUser AS uuid), :afterId)
            ORDER BY e.user_uuid, e.unique_id LIMIT :limit
            """;

    private static final String WRITE_BACK = """
            UPDATE events e SET payload = b.payload::jsonb, schema_version = b.current
            FROM unnest(:users, :ids, :versions, :payloads, :currents)
                 AS b(user_uuid, unique_id, version, payload, current)
            WHERE e.user_uuid = b.user_uuid::uuid AND e.unique_id = b.unique_id AND e.schema_version = b.version
            """;

    /** An event's key, (user, unique_id): the order the table is walked in, by its primary key. */
    private record Key(String user, String uniqueId) {
    }

    /** Below every key: the nil uuid, and the empty unique id no event has. */
    private static final Key FIRST = new Key(new UUID(0, 0).toString(), "");

    private final Jdbi jdbi;
    private final EventCodec codec;

    /**
     * A migration of the store's events table.
     *
     * @param jdbi  the store's database
     * @param codec the codec of the registered types, with their upcasters
     */
    PayloadMigration(Jdbi jdbi, EventCodec codec) {
        this.jdbi = jdbi;
        this.codec = codec;
    }

    /**
     * Stored events by (event_type, schema_version).
     *
     * @return the counts, by type and version
     */
    public List<TypeVersionCount> counts() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT event_type, schema_version, count(*) AS n FROM events
                        GROUP BY event_type, schema_version ORDER BY event_type, schema_version""")
                .map((rs, ctx) -> new TypeVersionCount(rs.getString("event_type"), rs.getInt("schema_version"),
                        rs.getLong("n")))
                .list());
    }

    /**
     * Converts up to {@code maxBatches} batches of {@code batchSize} rows; with {@code dryRun}, only reads and
     * upcasts them (so a row that cannot be upcast is found without writing anything).
     *
     * @param batchSize how many events a batch holds at most
     * @param maxBatches the max batches
     * @param dryRun the dry run
     * @param progress told how many rows each batch handled
     * @return what the run did
     */
    public Result run(int batchSize, long maxBatches, boolean dryRun, LongConsumer progress) {
        Key after = FIRST;
        long converted = 0;
        long batches = 0;
        while (batches < maxBatches) {
            Key[] last = {after};
            long done = jdbi.inTransaction(h -> convertBatch(h, last, batchSize, dryRun));
            if (last[0].equals(after)) {
                return new Result(converted, batches, true);
            }
            after = last[0];
            converted += done;
            batches++;
            progress.accept(done);
        }
        return new Result(converted, batches, !dryRun && pending() == 0);
    }

    /**
     * Rows of registered types still at an older version than their type's current one.
     *
     * @return the number of rows left to convert
     */
    public long pending() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM events e JOIN unnest(:types, :currents) AS t(name, current) "
                                + "ON e.event_type = t.name AND e.schema_version < t.current")
                .bindArray("types", String.class, List.copyOf(codec.currentVersions().keySet()))
                .bindArray("currents", Integer.class, List.copyOf(codec.currentVersions().values()))
                .mapTo(Long.class).one());
    }

    private long convertBatch(Handle h, Key[] last, int batchSize, boolean dryRun) {
        List<String> users = new ArrayList<>(batchSize);
        List<String> ids = new ArrayList<>(batchSize);
        List<Integer> versions = new ArrayList<>(batchSize);
        List<String> payloads = new ArrayList<>(batchSize);
        List<Integer> currents = new ArrayList<>(batchSize);
        h.createQuery(NEXT_BATCH)
                .bind("afterUser", last[0].user()).bind("afterId", last[0].uniqueId())
                .bindArray("types", String.class, List.copyOf(codec.currentVersions().keySet()))
                .bindArray("currents", Integer.class, List.copyOf(codec.currentVersions().values()))
                .bind("limit", batchSize)
                .map((rs, ctx) -> {
                    String uniqueId = rs.getString("unique_id");
                    int version = rs.getInt("schema_version");
                    try {
                        payloads.add(codec.upcastPayload(rs.getString("event_type"), version,
                                rs.getString("payload")));
                    } catch (InvalidEventException e) {
                        throw new StoreException("stored event " + uniqueId + " (id " + rs.getLong("id")
                                + ") cannot be migrated: " + e.getMessage(), e);
                    }
                    users.add(rs.getString("user_uuid"));
                    ids.add(uniqueId);
                    versions.add(version);
                    currents.add(rs.getInt("current"));
                    return null;
                })
                .forEach(ignored -> { });
        if (ids.isEmpty()) {
            return 0;
        }
        last[0] = new Key(users.get(users.size() - 1), ids.get(ids.size() - 1));
        if (dryRun) {
            return ids.size();
        }
        return h.createUpdate(WRITE_BACK)
                .bindArray("currents", Integer.class, currents)
                .bindArray("users", String.class, users)
                .bindArray("ids", String.class, ids)
                .bindArray("versions", Integer.class, versions)
                .bindArray("payloads", String.class, payloads)
                .execute();
    }
}
