package com.sevenmind.eventstore.app.bench;

import com.sevenmind.eventstore.embedded.EmbeddedServer;
import com.sevenmind.eventstore.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where {@code bench} runs, and what it leaves behind: nothing. Without {@code --db-url}, a fresh embedded server in
 * a new temporary directory, deleted afterwards. With it, a schema of bench's own on that server ({@link #SCHEMA}),
 * migrated as a store's, and dropped afterwards: the database's own tables, a store's included, are never read or
 * written. On a Citus coordinator the store's migrations distribute the schema's tables as they would a store's.
 */
final class BenchServer implements AutoCloseable {

    static final String SCHEMA = "eventstore_bench";
    private static final String DUPLICATE_SCHEMA = "42P06";

    private final Database db;
    private final Access access;
    private final String description;
    private final Cleanup cleanup;
    /** Bench's own connection, for its raw measurements and its statements; opened on first use. */
    private Connection connection;

    @FunctionalInterface
    private interface Cleanup {
        void run() throws SQLException;
    }

    /**
     * Where bench connects: the store through its {@link Database}, the raw measurements through plain JDBC, and
     * another process ({@code bench --push-external}'s serve and pgbench) by these settings.
     */
    record Access(String url, String user, String password, String schema) {

        Database open(Runnable onClose) {
            return Database.builder(url, user, password).schema(schema).onClose(onClose).open();
        }

        Connection connect() throws SQLException {
            Properties properties = new Properties();
            if (user != null) {
                properties.setProperty("user", user);
            }
            if (password != null) {
                properties.setProperty("password", password);
            }
            // As the store's pool connects: rows in binary from a statement's first execution, so that the raw
            // limit reads the same bytes as the store.
            properties.setProperty("prepareThreshold", "-1");
            Connection c = DriverManager.getConnection(url, properties);
            c.setSchema(schema);
            return c;
        }
    }

    private BenchServer(Access access, Runnable onClose, String description, Cleanup cleanup) {
        this.db = access.open(onClose);
        this.access = access;
        this.description = description;
        this.cleanup = cleanup;
    }

    static BenchServer embedded(PrintWriter err) throws IOException {
        Path dir = Files.createTempDirectory("eventstore-bench-");
        err.println("bench: starting a fresh embedded PostgreSQL in " + dir);
        try {
            EmbeddedServer server = EmbeddedServer.start(dir, reason -> err.println("bench: " + reason));
            return new BenchServer(new Access(server.jdbcUrl(), "postgres", server.password(),
                    Database.DEFAULT_SCHEMA), server::close, "a fresh embedded PostgreSQL", () -> deleteRecursively(dir));
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    /** Creates {@link #SCHEMA} on the server at {@code url}; refused when it exists (another bench, or a killed one). */
    static BenchServer at(String url, String user, String password, PrintWriter err) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            if (DUPLICATE_SCHEMA.equals(e.getSQLState())) {
                throw new IllegalStateException("the database at --db-url has a schema " + SCHEMA + " already: "
                        + "another bench is running on it, or one was killed before it cleaned up; when none runs, "
                        + "DROP SCHEMA " + SCHEMA + " CASCADE");
            }
            throw e;
        }
        Cleanup drop = () -> {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
            }
        };
        try {
            BenchServer server = new BenchServer(new Access(url, user, password, SCHEMA), () -> { },
                    "PostgreSQL at --db-url, in schema " + SCHEMA + ":", drop);
            err.println("bench: running in schema " + SCHEMA + " of " + server.db.description()
                    + "; dropped afterwards");
            // CHECKPOINT is the whole server's, not the schema's: said before any is run, on a server not bench's own.
            err.println("bench: it runs VACUUM ANALYZE and ANALYZE on its own tables there, and CHECKPOINT (which "
                    + "writes the whole server's dirty pages) between runs when this role may");
            return server;
        } catch (RuntimeException e) {
            drop.run();
            throw e;
        }
    }

    Database database() {
        return db;
    }

    /**
     * Bench's own connection to the server, the store's tables on its search path, open until bench ends: its raw
     * measurements and statements run on it as any client's would, never on the store's pool. Not thread-safe.
     */
    Connection connection() throws SQLException {
        if (connection == null) {
            connection = access.connect();
        }
        return connection;
    }

    /** A new connection as {@link #connection()}, for a measurement with several clients; the caller closes it. */
    Connection connect() throws SQLException {
        return access.connect();
    }

    Access access() {
        return access;
    }

    /** Where it runs, for the report: followed by the server's version. */
    String description() {
        return description;
    }

    /** Whether the role may run CHECKPOINT (a superuser or pg_checkpoint); bench skips its checkpoints if not. */
    boolean mayCheckpoint() throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("""
                SELECT rolsuper OR EXISTS (SELECT FROM pg_roles c WHERE c.rolname = 'pg_checkpoint'
                                           AND pg_has_role(c.oid, 'member'))
                FROM pg_roles WHERE rolname = current_user""")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            try {
                db.close();
            } finally {
                cleanup.run();
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark's directory " + dir + ": " + e.getMessage(),
                    e);
        }
    }
}
