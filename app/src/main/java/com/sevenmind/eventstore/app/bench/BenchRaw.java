package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import com.sevenmind.eventstore.store.CopyText;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The PostgreSQL limits {@code bench} compares the store with, in plain JDBC: COPY in, one SELECT out. Each method
 * takes a connection with autocommit off and commits its own work.
 */
final class BenchRaw {

    /** The user stream as the store reads it, every column. */
    static final String SELECT_STREAM = """
            SELECT id, unique_id, event_type, schema_version, "timestamp", recorded_at, payload::text
            FROM events WHERE user_uuid = ? ORDER BY "timestamp", unique_id""";

    static final int FETCH_SIZE = 10_000;

    /**
     * What the store's stream read sets for its transaction (its own is not bench's to read): the raw limit must run
     * under the same, or it compares a sort that spills to disk with one that does not.
     */
    static final String STREAM_SETTINGS = "SET LOCAL work_mem = '64MB'";

    /** Where reads leave a sum of what they read, so the JIT cannot drop them. */
    static volatile long blackhole;

    private BenchRaw() {
    }

    /**
     * COPYs the events into {@code table} (as the store stores them: the current payload of {@link EventCodec},
     * the timestamp in microseconds, recorded_at and id from the table's defaults), {@code rowsPerCopy} rows per
     * COPY and commit. Returns the rows copied.
     */
    static long copy(Connection c, String table, Iterator<? extends Event> events, EventCodec codec, int rowsPerCopy,
                     LongConsumer progress) throws SQLException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        String sql = "COPY " + table + " " + CopyText.EVENT_COLUMNS + " FROM STDIN";
        StringBuilder rows = new StringBuilder();
        long total = 0;
        while (events.hasNext()) {
            rows.setLength(0);
            int n = 0;
            for (; n < rowsPerCopy && events.hasNext(); n++) {
                Event e = events.next();
                CopyText.appendEvent(rows, e, EventCodec.CURRENT_SCHEMA_VERSION, codec.payload(e),
                        PipelineMetadata.NONE);
            }
            try {
                copy.copyIn(sql, new StringReader(rows.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            c.commit();
            total += n;
            progress.accept(n);
        }
        return total;
    }

    /**
     * Reads the user's stream with {@link #SELECT_STREAM} under the stream's own settings, every column of every row;
     * with a mapper, also parses each payload into a tree and reads its fields. Returns the rows read.
     */
    static long read(Connection c, UUID user, ObjectMapper decodeWith) throws SQLException {
        long rows = 0;
        long sink = 0;
        try (Statement settings = c.createStatement()) {
            settings.execute(STREAM_SETTINGS);
        }
        try (PreparedStatement s = c.prepareStatement(SELECT_STREAM)) {
            s.setFetchSize(FETCH_SIZE);
            s.setObject(1, user);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    sink += rs.getLong(1);
                    sink += rs.getString(2).length();
                    sink += rs.getString(3).length();
                    sink += rs.getShort(4);
                    sink += rs.getObject(5, OffsetDateTime.class).getNano();
                    sink += rs.getObject(6, OffsetDateTime.class).getNano();
                    String payload = rs.getString(7);
                    sink += payload.length();
                    if (decodeWith != null) {
                        sink += decodedFields(decodeWith, payload);
                    }
                }
            }
        } finally {
            c.commit();
        }
        blackhole = sink;
        return rows;
    }

    private static long decodedFields(ObjectMapper mapper, String payload) {
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long sink = node.path("session_id").asText().length() + node.path("timezone").asText().length()
                + node.path("locale").asText().length() + (long) node.path("position_seconds").asDouble();
        JsonNode content = node.path("content");
        for (var fields = content.fields(); fields.hasNext(); ) {
            sink += fields.next().getValue().asText().length();
        }
        return sink;
    }

    /** {@code EXPLAIN (ANALYZE, BUFFERS)} of {@link #SELECT_STREAM} for the user, a line per element. */
    static List<String> explain(Connection c, UUID user) throws SQLException {
        List<String> plan = new ArrayList<>();
        try (Statement settings = c.createStatement()) {
            settings.execute(STREAM_SETTINGS);
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) "
                     + SELECT_STREAM.replace("?", "'" + user + "'::uuid"))) {
            while (rs.next()) {
                plan.add(rs.getString(1));
            }
        } finally {
            c.commit();
        }
        return plan;
    }

    /**
     * Creates {@code table} like {@code events}, with its keys and indexes; on Citus, where events is distributed,
     * distributed the same way and co-located with it, so that its rows live beside the same users' events.
     */
    static void createLikeEvents(Connection c, String table) throws SQLException {
        execute(c, "CREATE TABLE " + table + " (LIKE events INCLUDING ALL)");
        boolean distributed;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL")) {
            rs.next();
            distributed = rs.getBoolean(1);
        }
        if (distributed) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass)")) {
                rs.next();
                distributed = rs.getBoolean(1);
            }
        }
        if (distributed) {
            execute(c, "SELECT create_distributed_table('" + table + "', 'user_uuid', colocate_with => 'events')");
        }
    }

    /** Runs statements outside a transaction block (VACUUM cannot run in one). */
    static void execute(Connection c, String... sql) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
