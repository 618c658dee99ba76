package com.sevenmind.eventstore.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Where the store's tables live: a schema of their own (by default {@value #DEFAULT_SCHEMA}), with Flyway's history
 * in {@value #HISTORY} there and the scripts at a location of the store's own, so that they never meet a host's own
 * Flyway migrations, history table or tables.
 *
 * <p>A store made before had its tables, functions and {@code flyway_schema_history} in the connection's current
 * schema ({@code public} unless the URL said otherwise). {@link #adoptOldLayout} moves them into the default schema,
 * in one transaction, before Flyway looks.
 */
final class Migrations {

    static final String DEFAULT_SCHEMA = "eventstore";
    static final String HISTORY = "eventstore_schema_history";
    /** The store's migrations and callbacks, apart from a host's own at Flyway's default {@code db/migration}. */
    private static final String LOCATION = "classpath:com/sevenmind/eventstore/migration";
    /** Unquoted in SQL as it is: PostgreSQL folds an identifier to lower case. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String OLD_HISTORY = "flyway_schema_history";
    /** Everything the migrations make, by name: sequences go along with the tables that own them. */
    private static final List<String> OLD_TABLES = List.of("events", "rejected_events", "forgotten_users",
            "snapshots", "quarantine_kept", "quarantine_dropped", "forget_key", "feed_epoch", "feed_subscriptions",
            "global_projections", OLD_HISTORY);
    private static final List<String> OLD_FUNCTIONS = List.of("quarantine_kept_add()", "quarantine_kept_remove()",
            "quarantine_kept_clear()", "forgotten_user_hash(uuid)", "lock_users_for_append(bigint[], uuid[])",
            "distribute_by_user()");

    private Migrations() {
    }

    /** {@code schema}, refused unless it is a plain lower-case name. */
    static String checkSchema(String schema) {
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("invalid schema name '" + schema + "': use lower-case letters, digits "
                    + "and _, not starting with a digit, at most 63 characters");
        }
        return schema;
    }

    /** Flyway set up for the store's migrations in {@code schema}; it creates the schema when missing. */
    static FluentConfiguration flyway(String schema) {
        return Flyway.configure().locations(LOCATION).schemas(schema).table(HISTORY);
    }

    /**
     * Moves a store of the old layout, in the current schema of {@code c}'s session (before any SET of its search
     * path), into {@code schema}: its tables (with their sequences, indexes and triggers), its functions and its
     * history, renamed. Returns whether there was one. A store moved already, or none, is left alone; two processes
     * starting at once move it once.
     */
    static boolean adoptOldLayout(Connection c, String schema) throws SQLException {
        if (exists(c, "to_regclass", schema + "." + HISTORY)) {
            return false; // the common case, in one round trip: moved already, or made in its schema
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL search_path TO DEFAULT");
            s.execute("SELECT pg_advisory_xact_lock(hashtext('eventstore_old_layout'))");
            String old = oldStore(c, schema);
            if (old == null) {
                c.rollback();
                return false;
            }
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            for (String table : OLD_TABLES) {
                if (exists(c, "to_regclass", old + "." + table)) {
                    s.execute("ALTER TABLE " + old + "." + table + " SET SCHEMA " + schema);
                }
            }
            for (String function : OLD_FUNCTIONS) {
                if (exists(c, "to_regprocedure", old + "." + function)) {
                    s.execute("ALTER FUNCTION " + old + "." + function + " SET SCHEMA " + schema);
                }
            }
            s.execute("ALTER TABLE " + schema + "." + OLD_HISTORY + " RENAME TO " + HISTORY);
            c.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * The quoted name of the current schema when it holds a store of the old layout and {@code schema} has no
     * history yet, else null. The old store is known by its history's first migration and its events table.
     */
    private static String oldStore(Connection c, String schema) throws SQLException {
        String old;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT quote_ident(current_schema())")) {
            old = rs.next() ? rs.getString(1) : null;
        }
        if (old == null || old.equals(schema) || exists(c, "to_regclass", schema + "." + HISTORY)
                || !exists(c, "to_regclass", old + "." + OLD_HISTORY) || !exists(c, "to_regclass", old + ".events")) {
            return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT FROM " + old
                + "." + OLD_HISTORY + " WHERE version = '1' AND script = 'V1__events.sql' AND success)")) {
            return rs.next() && rs.getBoolean(1) ? old : null;
        }
    }

    private static boolean exists(Connection c, String lookup, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + lookup + "(?) IS NOT NULL")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
