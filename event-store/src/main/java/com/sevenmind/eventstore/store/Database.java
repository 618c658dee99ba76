package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.codec.EventCodec;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * A migrated PostgreSQL database: through a connection pool of its own (and what runs the server when it is ours, an
 * embedded one), or through a host's DataSource. Opening it brings the schema up to date, unless {@link OnOpen} says
 * otherwise; closing it closes its own pool, then stops that server, and leaves a host's pool open.
 *
 * <p>Over 300 lines on purpose: the three ways to open a store (URL, embedded server, host DataSource) share its error
 * messages and migration rules.
 */
public final class Database implements AutoCloseable {

    /** The schema of the store's tables unless set otherwise. */
    public static final String DEFAULT_SCHEMA = Migrations.DEFAULT_SCHEMA;
    /** Connections in the pool unless set otherwise. */
    public static final int POOL_SIZE = 8;
    private static final long VALIDATION_MILLIS = 1_000;
    /** How Citus reports a worker it cannot connect to: the node, then the reason. */
    private static final Pattern WORKER_FAILURE = Pattern.compile(
            "(?s).*connection to the remote node (?:[^@\\s]+@)?(\\S+:\\d+) failed with the following error: (.*)");
    private static final Set<String> LOST = Set.of("57P01", "57P02", "08006", "08003", "08001");

    private final String description;
    private final SchemaMigrations migrations;
    private final Connector listening;
    private final Runnable onClose;
    private final Jdbi jdbi;
    private final List<Projector> projectors = new CopyOnWriteArrayList<>();
    /** The store's own pool; null when it borrows a host's connections. */
    private final HikariDataSource pool;
    /** Where the projectors and the live feed count: nowhere until {@link #instrument}. */
    private volatile StoreMeters meters = StoreMeters.NONE;

    /** Opens a connection for a session that outlives any one piece of work, with these driver properties. */
    @FunctionalInterface
    private interface Connector {
        Connection connect(Properties properties) throws SQLException;
    }

    private Database(DataSource dataSource, String description, SchemaMigrations migrations, Connector listening,
            Runnable onClose) {
        this.description = description;
        this.migrations = migrations;
        this.listening = listening;
        this.onClose = onClose;
        this.jdbi = Jdbi.create(dataSource);
        this.pool = dataSource instanceof HikariDataSource hikari ? hikari : null;
    }

    /**
     * Uses the server at {@code url} (user and password may be null when the URL carries them).
     *
     * @param url the JDBC URL
     * @param user the user
     * @param password the password
     * @return the open database
     */
    public static Database connect(String url, String user, String password) {
        return connect(url, user, password, Timeouts.COMMAND);
    }

    /**
     * Uses the server at {@code url}, each call bounded by {@code timeouts}.
     *
     * @param url the JDBC URL
     * @param user the user
     * @param password the password
     * @param timeouts how long to wait for a connection and for a statement
     * @return the open database
     */
    public static Database connect(String url, String user, String password, Timeouts timeouts) {
        return builder(url, user, password).timeouts(timeouts).open();
    }

    /**
     * The settings of a database at {@code url}: {@link Timeouts#COMMAND} and the tables in {@link #DEFAULT_SCHEMA}
     * unless set otherwise.
     *
     * @param url the JDBC URL
     * @param user the user
     * @param password the password
     * @return a builder to set more on, then {@link Builder#open()}
     */
    public static Builder builder(String url, String user, String password) {
        return new Builder(url, user, password);
    }

    /**
     * Uses the host's {@code dataSource}, the store's tables in {@code schema}: migrates them through it, and borrows
     * its connections for each piece of work (the live feed holds one). The host's pool bounds the calls (its
     * timeouts) and stays the host's: {@link #close()} leaves it open.
     *
     * @param dataSource the host's pool
     * @param schema the store's schema
     * @return the open database
     */
    public static Database using(DataSource dataSource, String schema) {
        Migrations.checkSchema(schema);
        String description;
        try (Connection c = dataSource.getConnection()) {
            description = withoutPassword(c.getMetaData().getURL());
        } catch (SQLException e) {
            throw new StoreException("cannot connect to PostgreSQL through the host's DataSource: " + rootMessage(e),
                    e);
        }
        SchemaMigrations migrations = new SchemaMigrations(
                () -> Migrations.flyway(schema).dataSource(dataSource).load(), schema, description, () -> { }, () -> { });
        migrations.apply();
        HostDataSource lent = new HostDataSource(dataSource, schema);
        return new Database(lent, description, migrations, properties -> lent.getConnection(), () -> { });
    }

    /** What opening a database does to the store's schema. */
    public enum OnOpen {
        /** Brings it up to date: the default. */
        MIGRATE,
        /**
         * Leaves it alone, and fails with a {@link SchemaMigrations.PendingException} when a migration is pending:
         * for a user who may not change the schema.
         */
        REQUIRE_MIGRATED,
        /** Leaves it alone as it is: to report on it, or to migrate it through {@link #migrations()}. */
        AS_IS
    }

    /** How to open a {@link Database}. */
    public static final class Builder {

        private final String url;
        private final String user;
        private final String password;
        private Timeouts timeouts = Timeouts.COMMAND;
        private String schema = DEFAULT_SCHEMA;
        private Runnable onClose = () -> { };
        private int poolSize = POOL_SIZE;
        private OnOpen onOpen = OnOpen.MIGRATE;

        private Builder(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        /**
         * Bounds every call; see {@link Timeouts}.
         *
         * @param timeouts how long to wait for a connection and for a statement
         * @return this builder
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        /**
         * The schema of the store's tables, created when missing: a plain lower-case name. A store of the old layout,
         * with its tables in the URL's current schema, moves into {@link #DEFAULT_SCHEMA} only, so that a store opened
         * elsewhere on purpose starts empty and leaves the database's own alone.
         *
         * @param schema the store's schema
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Migrations.checkSchema(schema);
            return this;
        }

        /**
         * The most connections the store's pool opens (default {@link #POOL_SIZE}).
         *
         * @param poolSize the most connections the pool holds
         * @return this builder
         */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * What opening does to the schema (default {@link OnOpen#MIGRATE}).
         *
         * @param onOpen run on each new connection
         * @return this builder
         */
        public Builder onOpen(OnOpen onOpen) {
            this.onOpen = onOpen;
            return this;
        }

        /**
         * Run after the pool is closed, and also when {@link #open()} fails: for what serves the database only to
         * this one, such as a server started for it.
         *
         * @param onClose run once when the database closes
         * @return this builder
         */
        public Builder onClose(Runnable onClose) {
            this.onClose = onClose;
            return this;
        }

        /**
         * Connects and brings the schema up to date, or checks it, as {@link #onOpen} says; fails with one line that
         * names the database.
         *
         * @return the open database
         */
        public Database open() {
            try {
                return Database.open(this);
            } catch (RuntimeException e) {
                onClose.run();
                throw e;
            }
        }
    }

    /**
     * The events table, read and written with {@code codec}.
     *
     * @param codec the codec of the registered types
     * @return the store
     */
    public EventStore eventStore(EventCodec codec) {
        return new EventStore(jdbi, codec, description());
    }

    /**
     * Projections of the stream through the snapshot cache, states saved with {@code mapper}. Closing the database
     * closes it first, so the saves it began are finished; closed before, it and the states it holds are let go.
     *
     * @param codec the codec of the registered types
     * @param mapper the project's mapper
     * @return the projector
     */
    public Projector projector(EventCodec codec, ObjectMapper mapper) {
        Projector projector = new Projector(eventStore(codec), snapshots(mapper), Projector.SAVE_AFTER,
                Projector.HELD_USERS, meters, projectors::remove);
        projectors.add(projector);
        return projector;
    }

    /**
     * The snapshot cache, states written with {@code mapper}.
     *
     * @param mapper the project's mapper
     * @return the cache
     */
    public Snapshots snapshots(ObjectMapper mapper) {
        return new Snapshots(jdbi, mapper, description(), Snapshots.MAX_STATE_BYTES);
    }

    /**
     * Reports the store's connection pool (HikariCP's {@code hikaricp_*} meters; a host's pool is the host's to
     * report), and the reads of projectors and the reconnections of live feeds made after this call, to
     * {@code registry}. Once per database: the pool takes one. Micrometer is an optional dependency of the store:
     * a host that never calls this needs none on its class path.
     *
     * @param registry where the pool and the store count
     */
    public void instrument(MeterRegistry registry) {
        if (pool != null) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
        meters = new MicrometerMeters(registry);
    }

    StoreMeters meters() {
        return meters;
    }

    /**
     * The store's migrations on this database: applied, pending, and applying them.
     *
     * @return the migrations of the store's schema
     */
    public SchemaMigrations migrations() {
        return migrations;
    }

    /** The Jdbi of the store's connections, its schema on the search path: the store's own, never a host's. */
    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * The store's status: its migrations, and its tables with their sizes (and on Citus their distribution). Reads
     * only: a database opened {@link OnOpen#AS_IS} is left as it is.
     *
     * @return the status
     */
    public DbStatus status() {
        return DbStatus.read(this);
    }

    /**
     * The Citus cluster's nodes, the shards of the store's tables on them and how each table is distributed, read
     * from Citus's catalog on the coordinator; on a database without Citus only that, and the server's version.
     *
     * @return the status
     */
    public ClusterStatus cluster() {
        return Database.guarded(jdbi, description, ClusterStatus::read);
    }

    /**
     * Moves shards until every active worker of the Citus cluster holds its share, and waits for the moves.
     *
     * @return what was moved
     * @throws IllegalStateException on a database without Citus, or when a move fails
     */
    public Rebalanced rebalance() {
        return Database.guarded(jdbi, description, Rebalanced::run);
    }

    /**
     * The rewrite of old payloads to the current schema version, with {@code codec}.
     *
     * @param codec the codec of the registered types
     * @return the migration
     */
    public PayloadMigration payloadMigration(EventCodec codec) {
        return new PayloadMigration(jdbi, codec);
    }

    /**
     * The global feed: every stored event once, in a stable order, after a position a reader keeps.
     *
     * @return the feed of this database
     */
    public Feed feed() {
        return new Feed(jdbi, description());
    }

    /**
     * Starts listening for committed appends, on a connection of its own; close it before the database.
     *
     * @return a new live feed, which the caller closes
     */
    public LiveFeed liveFeed() {
        return LiveFeed.start(this);
    }

    /** A new connection outside the pool, for a session that outlives any one piece of work (LISTEN). */
    Connection unpooledConnection(Properties properties) throws SQLException {
        return listening.connect(properties);
    }

    /**
     * The JDBC URL, safe to print: without a password.
     *
     * @return the URL without a password, for messages
     */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        projectors.forEach(Projector::close);
        onClose.run();
    }

    private static Database open(Builder b) {
        String url = b.url;
        String user = b.user;
        String password = b.password;
        String schema = b.schema;
        Timeouts timeouts = b.timeouts;
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventstore");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(b.poolSize);
        // The store's schema alone on the search path: its SQL names its tables and sequences unqualified.
        config.setSchema(schema);
        // Server-prepared statements from the first execution, so rows come in binary: timestamps and uuids are
        // not parsed from text on every row of a long stream.
        config.setDataSourceProperties(timeouts.properties());
        config.addDataSourceProperty("prepareThreshold", "-1");
        // Fail fast when the database is down: a command exits, a server answers 503 and tries again later.
        config.setConnectionTimeout(Math.max(1_000, timeouts.connect().toMillis()));
        // A connection idle for a while is tested before use; on a hung server that test must end well within the
        // wait for a connection, so that a dead one is dropped and the next tried.
        config.setValidationTimeout(VALIDATION_MILLIS);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + withoutPassword(url) + ": "
                    + rootMessage(e), e);
        }
        // Through a connection of its own, without the statement and socket limits: a migration of a large
        // table legitimately runs long, also when serve starts.
        SchemaMigrations migrations = new SchemaMigrations(() -> migrations(url, user, password, schema).load(),
                schema, withoutPassword(url), () -> adoptOldLayout(dataSource, schema),
                // Connections opened before the migration lack the database settings it may have made.
                () -> dataSource.getHikariPoolMXBean().softEvictConnections());
        try {
            switch (b.onOpen) {
                case MIGRATE -> migrations.apply();
                case REQUIRE_MIGRATED -> migrations.requireCurrent();
                case AS_IS -> { }
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        Connector listening = properties -> {
            Properties all = timeouts.properties();
            all.putAll(properties);
            all.putAll(credentials(user, password));
            Connection connection = DriverManager.getConnection(url, all);
            try {
                connection.setSchema(schema);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return connection;
        };
        return new Database(dataSource, withoutPassword(url), migrations, listening, () -> {
            dataSource.close();
            b.onClose.run();
        });
    }

    /** A store of the old layout moves into the default schema before Flyway looks; see {@link Migrations}. */
    private static void adoptOldLayout(DataSource dataSource, String schema) {
        if (!schema.equals(DEFAULT_SCHEMA)) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            Migrations.adoptOldLayout(c, schema);
        } catch (SQLException e) {
            throw new StoreException(rootMessage(e), e);
        }
    }

    /** Flyway set up for the store's migrations in {@code schema} of the database at {@code url}. */
    static FluentConfiguration migrations(String url, String user, String password, String schema) {
        return Migrations.flyway(schema).dataSource(url, user, password);
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /**
     * The quarantine of inputs the store could not accept.
     *
     * @return the quarantine
     */
    public Quarantine quarantine() {
        return new Quarantine(jdbi, description());
    }

    /** Whether the store is distributed by user: the citus extension is there (the migrations distribute it then). */
    static boolean distributed(Handle h) {
        return h.createQuery("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')")
                .mapTo(Boolean.class).one();
    }

    /** Runs {@code work} on a handle, turning a database failure into one line that names the database. */
    static <R> R guarded(Jdbi jdbi, String description, HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            // One prefix for every failure, which clients of serve match on; the cause says what happened.
            Matcher worker = workerFailure(e);
            throw new StoreException("database error at " + description + ": " + (worker != null
                    ? "the worker node " + worker.group(1) + " is unreachable: "
                            + worker.group(2).lines().findFirst().orElse("")
                    : (connectionLost(e) ? "the database went away: " : "") + rootMessage(e)), e);
        }
    }

    /**
     * Whether the database went away: the server shut down or crashed (57P01, 57P02), a connection failed (08006,
     * 08003), or a new one could not be made (08001). The database took connections when this one was opened, so
     * that last one means it is gone too. A server shared through {@code --db-url} lives only as long as its owner.
     */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && LOST.contains(String.valueOf(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The worker node ("host:port") a Citus coordinator could not reach for this failure, or null when it is another
     * one. The coordinator answers, so the database did not go away: only the users whose shards live on that node
     * are out of reach.
     */
    static String unreachableWorker(Throwable e) {
        Matcher m = workerFailure(e);
        return m == null ? null : m.group(1);
    }

    /** Citus's report of a worker it could not reach, matched: the node, then the reason; null for other failures. */
    private static Matcher workerFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && "08006".equals(sql.getSQLState()) && sql.getMessage() != null) {
                Matcher m = WORKER_FAILURE.matcher(sql.getMessage());
                if (m.find()) {
                    return m;
                }
            }
        }
        return null;
    }

    /** The message of the deepest cause that has one: a broken socket's EOF says nothing. */
    static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
