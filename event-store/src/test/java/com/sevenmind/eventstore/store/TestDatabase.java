package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, migrated database per test class on one real PostgreSQL per test JVM (embedded, started on first use).
 * In JUnit Jupiter register it as {@code @RegisterExtension static final TestDatabase db = new TestDatabase();};
 * where extensions do not run (jqwik), call {@link #open(String)} and {@link #close()} yourself.
 *
 * <p>With the system property {@code eventstore.test.server=citus} (the build's second run of the store's contract
 * tests) every database is made on a {@link CitusCluster} instead, through its coordinator: the same tests, on a
 * distributed store.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private final boolean citus;
    private boolean extraWorker;
    private int shards;
    private String name;
    private Database database;

    /** On the server the system property {@code eventstore.test.server} names: the embedded one unless citus. */
    public TestDatabase() {
        this("citus".equals(System.getProperty("eventstore.test.server")));
    }

    private TestDatabase(boolean citus) {
        this.citus = citus;
    }

    /** On the Citus cluster, whatever the property says. */
    public static TestDatabase onCitus() {
        return new TestDatabase(true);
    }

    /**
     * On the Citus cluster, its tables in {@code shards} shards each instead of Citus's default 32: fewer to move for
     * a test that rebalances.
     */
    public static TestDatabase onCitus(int shards) {
        TestDatabase db = new TestDatabase(true);
        db.shards = shards;
        return db;
    }

    /** The workers of the Citus cluster, beside its coordinator. */
    public static final int CITUS_WORKERS = CitusCluster.WORKERS;

    /** On the Citus cluster: the URL of this database on node {@code node}, 0 the coordinator, then the workers. */
    public String nodeJdbcUrl(int node) {
        return CitusCluster.get().jdbcUrl(node, name);
    }

    /** On the Citus cluster: the port of node {@code node}, 0 the coordinator, then the workers. */
    public int nodePort(int node) {
        return CitusCluster.get().port(node);
    }

    /** On the Citus cluster: stops node {@code node}'s server at once, as a crash would. */
    public void stopNode(int node) {
        CitusCluster.get().stopNode(node);
    }

    /** On the Citus cluster: starts node {@code node}'s server again. */
    public void startNode(int node) {
        CitusCluster.get().startNode(node);
    }

    /**
     * On the Citus cluster: starts the server of one more worker with this database on it, not yet registered, and
     * returns its port; {@link #close()} drops the database there too.
     */
    public int extraWorker() {
        extraWorker = true;
        return CitusCluster.get().extraWorker(name);
    }

    /**
     * Why this database's server is missing, for a test to skip with (the Citus cluster on a machine without Citus),
     * or null when it is there; where extensions run, {@link #open} skips by itself.
     */
    public String unavailable() {
        return citus ? CitusCluster.unavailable() : null;
    }

    /** Whether this database is on the Citus cluster. */
    public boolean citus() {
        return citus;
    }

    /**
     * The server shared by every test class of this JVM; zonky stops it in a shutdown hook. Its binaries are unpacked
     * where the build's {@code ot.epg.working-dir} says.
     */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
            }
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Creates and migrates a database named after {@code label}. */
    public TestDatabase open(String label) {
        name = "test_" + COUNTER.incrementAndGet() + "_" + label.toLowerCase().replaceAll("[^a-z0-9_]", "_");
        if (citus) {
            CitusCluster.get().createDatabase(name);
            if (shards > 0) {
                CitusCluster.get().setShardCount(name, shards);
            }
        } else {
            admin("CREATE DATABASE " + name);
        }
        database = Database.connect(jdbcUrl(), null, null);
        return this;
    }

    /** Closes the pool and drops the database. */
    public void close() {
        if (database == null) {
            return; // never opened: the class was skipped
        }
        database.close();
        if (citus) {
            CitusCluster.get().dropDatabase(name);
            if (extraWorker) {
                CitusCluster.get().dropOnExtraWorker(name);
            }
        } else {
            admin("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    /** The URL of this class's database, for code under test that connects by itself. */
    public String jdbcUrl() {
        return citus ? CitusCluster.get().jdbcUrl(0, name) : server().getJdbcUrl("postgres", name);
    }

    public Database database() {
        return database;
    }

    /**
     * This database on connections of the test's own, outside the store's pool, the store's schema on their search
     * path: for the raw SQL of a test outside the store's package (rows set up that no store API makes, rows
     * asserted on), as any other client of the database connects. Each handle opens a connection.
     */
    public Jdbi sql() {
        Properties properties = new Properties();
        properties.setProperty("currentSchema", Database.DEFAULT_SCHEMA);
        return Jdbi.create(jdbcUrl(), properties);
    }

    public EventStore store() {
        return database.eventStore(new EventCodec(Json.newObjectMapper()));
    }

    /** Empties the tables, for tests that need a clean store per case. */
    public void clear() {
        if (!citus) {
            // A serve's global projections save their state, then their position: locked in that order here too.
            database.jdbi().useHandle(h -> h.execute("TRUNCATE events, rejected_events, quarantine_dropped, forgotten_users, "
                    + "snapshots, global_projections, feed_subscriptions RESTART IDENTITY"));
            return;
        }
        // A TRUNCATE of the distributed tables is one of every shard, in a transaction over all nodes: a tenth of a
        // second and more, for each of the many tests that clear. A DELETE of a test's few rows is quick.
        database.jdbi().useHandle(h -> {
            h.execute("DELETE FROM events");
            h.execute("DELETE FROM snapshots");
            h.execute("TRUNCATE rejected_events, quarantine_dropped, forgotten_users, global_projections, "
                    + "feed_subscriptions RESTART IDENTITY");
            h.execute("SELECT setval(pg_get_serial_sequence('events', 'id'), 1, false)");
        });
    }

    private static void admin(String sql) {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
