package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.codec.EventCodec;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection pool on a migrated PostgreSQL database, and the embedded server behind it when there is one.
 * Opening it brings the schema up to date; closing it closes the pool and stops the embedded server.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final long VALIDATION_MILLIS = 1_000;
    /** How Citus reports a worker it cannot connect to: the node, then the reason. */
    private static final Pattern WORKER_FAILURE = Pattern.compile(
            "(?s).*connection to the remote node (?:[^@\\s]+@)?(\\S+:\\d+) failed with the following error: (.*)");
    private static final Set<String> LOST = Set.of("57P01", "57P02", "08006", "08003", "08001");

    private final HikariDataSource dataSource;
    private final EmbeddedServer server;
    private final Jdbi jdbi;
    private final List<Projector> projectors = new CopyOnWriteArrayList<>();
    private final String user;
    private final String password;
    private final Timeouts timeouts;
    /** Where the pool, the projectors and the live feed report; an empty composite records nothing. */
    private volatile MeterRegistry meters = new CompositeMeterRegistry();

    private Database(HikariDataSource dataSource, EmbeddedServer server, String user, String password,
            Timeouts timeouts) {
        this.dataSource = dataSource;
        this.server = server;
        this.jdbi = Jdbi.create(dataSource);
        this.user = user;
        this.password = password;
        this.timeouts = timeouts;
    }

    /** Uses the server at {@code url} (user and password may be null when the URL carries them). */
    public static Database connect(String url, String user, String password) {
        return connect(url, user, password, Timeouts.COMMAND);
    }

    /** Uses the server at {@code url}, each call bounded by {@code timeouts}. */
    public static Database connect(String url, String user, String password, Timeouts timeouts) {
        return open(url, user, password, null, timeouts);
    }

    /** Starts (or creates) the embedded server on {@code dataDirectory} and uses it; a lost server is logged. */
    public static Database embedded(Path dataDirectory) {
        return embedded(dataDirectory, Timeouts.COMMAND, reason -> LOG.error(reason));
    }

    /**
     * Starts (or creates) the embedded server on {@code dataDirectory} and uses it. If the server dies and cannot
     * be started again, {@code onLost} gets one line saying why.
     */
    public static Database embedded(Path dataDirectory, Timeouts timeouts, Consumer<String> onLost) {
        EmbeddedServer server = EmbeddedServer.start(dataDirectory, onLost);
        try {
            return open(server.jdbcUrl(), "postgres", server.password(), server, timeouts);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public EventStore eventStore(EventCodec codec) {
        return new EventStore(jdbi, codec, description());
    }

    /**
     * Projections of the stream through the snapshot cache, states saved with {@code mapper}. Closing the database
     * closes it first, so the saves it began are finished.
     */
    public Projector projector(EventCodec codec, ObjectMapper mapper) {
        Projector projector = new Projector(eventStore(codec), snapshots(mapper), Projector.SAVE_AFTER,
                Projector.HELD_USERS, meters);
        projectors.add(projector);
        return projector;
    }

    public Snapshots snapshots(ObjectMapper mapper) {
        return new Snapshots(jdbi, mapper, description(), Snapshots.MAX_STATE_BYTES);
    }

    /**
     * Reports the connection pool (HikariCP's {@code hikaricp_*} meters), and the reads of projectors and the
     * reconnections of live feeds made after this call, to {@code registry}. Once per database: the pool takes one.
     */
    public void instrument(MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        meters = registry;
    }

    MeterRegistry meters() {
        return meters;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Starts listening for committed appends, on a connection of its own; close it before the database. */
    public LiveFeed liveFeed() {
        return LiveFeed.start(this);
    }

    /** A new connection outside the pool, for a session that outlives any one piece of work (LISTEN). */
    Connection unpooledConnection(Properties properties) throws SQLException {
        Properties all = timeouts.properties();
        all.putAll(properties);
        if (user != null) {
            all.setProperty("user", user);
        }
        if (password != null) {
            all.setProperty("password", password);
        }
        return DriverManager.getConnection(dataSource.getJdbcUrl(), all);
    }

    /** The JDBC URL, safe to print: without a password. */
    public String description() {
        return withoutPassword(dataSource.getJdbcUrl());
    }

    @Override
    public void close() {
        projectors.forEach(Projector::close);
        dataSource.close();
        if (server != null) {
            server.close();
        }
    }

    private static Database open(String url, String user, String password, EmbeddedServer server,
            Timeouts timeouts) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventstore");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
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
        try {
            // Through a connection of its own, without the statement and socket limits: a migration of a large
            // table legitimately runs long, also when serve starts.
            Flyway.configure().dataSource(url, user, password).load().migrate();
            // Connections opened before the migration lack the database settings it may have made.
            dataSource.getHikariPoolMXBean().softEvictConnections();
        } catch (FlywayException e) {
            dataSource.close();
            throw new StoreException("cannot migrate the schema of " + withoutPassword(url) + ": "
                    + rootMessage(e), e);
        }
        return new Database(dataSource, server, user, password, timeouts);
    }

    static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    public Quarantine quarantine() {
        return new Quarantine(jdbi, description());
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
    private static boolean connectionLost(Throwable e) {
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
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
