package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.codec.SnapshotFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot cache's table: per (user, projection name, projection version) a saved state and the part of the
 * stream it covers. Only a cache: dropping rows costs a full read on the next projection, nothing else.
 */
public final class Snapshots {

    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() { };
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);

    /**
     * The largest state saved, in bytes as {@link SnapshotFormat} writes it. Loading one costs its bytes and its
     * objects together; a user whose History is larger is read whole by a new process, which needs memory for the
     * state alone, and continued from memory by a running one.
     */
    static final int MAX_STATE_BYTES = 16 << 20;

    /** The columns of {@link Saved}. */
    private static final String COLUMNS = """
            user_uuid, projection, version, event_schema, last_timestamp, last_unique_id, last_id, max_id, since_tx,
            event_count, unknown_types::text AS unknown_types, octet_length(state) AS state_bytes, saved_at""";

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final SnapshotFormat format;
    private final String description;
    private final int maxStateBytes;

    /** @param maxStateBytes the largest state saved: {@link #MAX_STATE_BYTES} but in tests */
    Snapshots(Jdbi jdbi, ObjectMapper mapper, String description, int maxStateBytes) {
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.format = new SnapshotFormat(mapper);
        this.description = description;
        this.maxStateBytes = maxStateBytes;
    }

    /** One saved snapshot, without its state. */
    public record Saved(UUID userId, String projection, int version, int eventSchema, StreamPosition covers,
                        long eventCount, Map<String, Long> unknownTypes, long stateBytes, Instant savedAt) {
    }

    /**
     * The snapshots of one user, or of all users when {@code userId} is null, by user then projection.
     *
     * @param userId the user
     * @return the user's saved snapshots
     */
    public List<Saved> list(UUID userId) {
        return Database.guarded(jdbi, description, h -> list(h, userId));
    }

    /**
     * Deletes the snapshots of one user, or all when {@code userId} is null; returns how many.
     *
     * @param userId the user
     * @return how many were deleted
     */
    public int drop(UUID userId) {
        return Database.guarded(jdbi, description, h -> userId == null
                ? h.createUpdate("DELETE FROM snapshots").execute()
                : h.createUpdate("DELETE FROM snapshots WHERE user_uuid = :user").bind("user", userId).execute());
    }

    /** One saved snapshot with its state's bytes, as {@link SnapshotFormat} wrote them. */
    record Found(Saved saved, byte[] state) {
    }

    /**
     * The user's snapshots of these projection versions (name: version) in this event schema, with their states:
     * one round trip for all of them, as a read continues from every projection's snapshot or from none.
     */
    List<Found> find(Handle h, UUID userId, Map<String, Integer> versions, int eventSchema) {
        return h.createQuery("SELECT " + COLUMNS + ", state FROM snapshots WHERE user_uuid = :user"
                        + " AND event_schema = :schema AND projection || ':' || version = ANY(:keys)")
                .bind("user", userId).bind("schema", eventSchema)
                .bindArray("keys", String.class, versions.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue()).toList())
                .map((rs, ctx) -> new Found(saved(rs), rs.getBytes("state")))
                .list();
    }

    private List<Saved> list(Handle h, UUID userId) {
        Query query = h.createQuery("SELECT " + COLUMNS + " FROM snapshots %s ORDER BY user_uuid, projection, version"
                .formatted(userId == null ? "" : "WHERE user_uuid = :user"));
        if (userId != null) {
            query.bind("user", userId);
        }
        return query.map((rs, ctx) -> saved(rs)).list();
    }

    private Saved saved(ResultSet rs) throws SQLException {
        return new Saved(rs.getObject("user_uuid", UUID.class), rs.getString("projection"),
                rs.getInt("version"), rs.getInt("event_schema"),
                new StreamPosition(rs.getObject("last_timestamp", OffsetDateTime.class).toInstant(),
                        rs.getString("last_unique_id"), rs.getLong("last_id"), rs.getLong("max_id"),
                        rs.getLong("since_tx")),
                rs.getLong("event_count"), counts(rs.getString("unknown_types")), rs.getLong("state_bytes"),
                rs.getObject("saved_at", OffsetDateTime.class).toInstant());
    }

    /** A found snapshot's state, as its projection's state class. */
    <S> S state(Found found, Class<S> type) {
        try {
            return format.read(found.state(), type);
        } catch (IOException e) {
            throw new IllegalStateException("snapshot of " + found.saved().projection() + " version "
                    + found.saved().version() + " cannot be read as " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Saves (or replaces) one projection's snapshot; false when its state is over the limit. */
    boolean save(Handle h, UUID userId, String projection, int version, int eventSchema, Object state,
                 StreamPosition covers, long eventCount, Map<String, Long> unknownTypes) {
        // Measured first, then written into a buffer of its size: a state too large to save costs no memory, and
        // one that is saved is held once, not in a growing buffer's copies.
        Counted saved;
        try {
            Counted measured = new Counted(0);
            format.write(state, measured);
            if (measured.size() > maxStateBytes) {
                LOG.info("not saving the {} snapshot of user {}: its state is {} bytes, over {}", projection, userId,
                        measured.size(), maxStateBytes);
                return false;
            }
            saved = new Counted((int) measured.size());
            format.write(state, saved);
        } catch (IOException e) {
            throw new IllegalStateException("the state of " + projection + " cannot be saved: " + e.getMessage(), e);
        }
        try {
            h.createUpdate("""
                            INSERT INTO snapshots (user_uuid, projection, version, event_schema, state, last_timestamp,
                                                   last_unique_id, last_id, max_id, since_tx, event_count,
                                                   unknown_types)
                            SELECT :user, :projection, :version, :schema, :state, :timestamp, :uniqueId, :lastId, :maxId,
                                   :since, :events, :unknown::jsonb
                            -- Only while the events it covers are stored: never for a user forgotten meanwhile.
                            WHERE\s""" + LateCheck.COVERED + """
                            ON CONFLICT (user_uuid, projection, version) DO UPDATE SET
                              event_schema = EXCLUDED.event_schema, state = EXCLUDED.state,
                              last_timestamp = EXCLUDED.last_timestamp, last_unique_id = EXCLUDED.last_unique_id,
                              last_id = EXCLUDED.last_id,
                              max_id = EXCLUDED.max_id, since_tx = EXCLUDED.since_tx,
                              event_count = EXCLUDED.event_count,
                              unknown_types = EXCLUDED.unknown_types,
                              -- The new row's default, now(): Citus takes no function but an IMMUTABLE one here.
                              saved_at = EXCLUDED.saved_at
                            """)
                    .bind("user", userId).bind("projection", projection).bind("version", version)
                    .bind("schema", eventSchema).bindBinaryStream("state", saved.read(), (int) saved.size())
                    .bind("timestamp", OffsetDateTime.ofInstant(covers.timestamp(), ZoneOffset.UTC))
                    .bind("uniqueId", covers.uniqueId()).bind("lastId", covers.id()).bind("maxId", covers.maxId())
                    .bind("since", covers.sinceTx()).bind("events", eventCount)
                    .bind("unknown", mapper.writeValueAsString(unknownTypes))
                    .execute();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the unknown types cannot be saved: " + e.getMessage(), e);
        }
        return true;
    }

    /** Counts what is written, and keeps it when given the room: exactly as much as was counted before. */
    private static final class Counted extends OutputStream {

        private final byte[] buffer;
        private long size;

        Counted(int room) {
            this.buffer = new byte[room];
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (buffer.length > 0) {
                if (len > buffer.length - size) {
                    throw new IOException("the state grew while it was written twice");
                }
                System.arraycopy(b, off, buffer, (int) size, len);
            }
            size += len;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        long size() {
            return size;
        }

        InputStream read() {
            return new ByteArrayInputStream(buffer, 0, (int) size);
        }
    }

    private Map<String, Long> counts(String json) {
        try {
            return mapper.readValue(json, COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("snapshot unknown_types is not a JSON object of counts: " + json, e);
        }
    }
}
