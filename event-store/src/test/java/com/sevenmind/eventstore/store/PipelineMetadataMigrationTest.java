package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** V8 adds received_at and metadata to a table that holds events without rewriting it. */
class PipelineMetadataMigrationTest {

    private static final String NAME = "test_v8_migration";

    @Test
    void the_columns_are_added_without_a_rewrite_and_stored_rows_keep_null() throws SQLException {
        try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
             Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + NAME);
        }
        String url = TestDatabase.server().getJdbcUrl("postgres", NAME);
        Database.migrations(url, "postgres", null, Database.DEFAULT_SCHEMA).target("7").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
             Statement s = c.createStatement()) {
            c.setSchema(Database.DEFAULT_SCHEMA);
            s.execute("""
                    INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                    VALUES ('6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11', 'u-1', 'ContentPieceStarted', 2,
                            '2024-05-01T10:00:00Z', '{}')""");
            long before = fileNode(s);

            Database.migrations(url, "postgres", null, Database.DEFAULT_SCHEMA).load().migrate();

            assertEquals(before, fileNode(s), "the table was rewritten");
            List<String> row = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT received_at, metadata FROM events")) {
                rs.next();
                row.add(rs.getString(1));
                row.add(rs.getString(2));
            }
            assertEquals(Arrays.asList(null, null), row);
        } finally {
            try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
                 Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE " + NAME + " WITH (FORCE)");
            }
        }
    }

    private static long fileNode(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_relation_filenode('events')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
