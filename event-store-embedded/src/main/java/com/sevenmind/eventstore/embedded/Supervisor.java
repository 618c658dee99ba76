package com.sevenmind.eventstore.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the embedded postmaster and starts it again, on the same directory and port, when it dies (killed,
 * crashed), so that the pool and the live feed reconnect by themselves. When it cannot, {@code onLost} is told why:
 * a process without its database would otherwise fail every call forever.
 */
final class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** After a kill -9 the old backends take a moment to exit; until then a new server refuses to start. */
    static final Duration RESTART_WITHIN = Duration.ofSeconds(30);
    private static final long RESTART_PAUSE_MILLIS = 500;

    private final Path pgData;
    private final Path log;
    private final Path binaries;
    private final int port;
    private final Map<String, String> config;
    private final Duration restartWithin;
    private final Consumer<String> onLost;
    private final Thread thread;
    private volatile Optional<ProcessHandle> watched;
    private boolean stopped;

    Supervisor(Path pgData, Path log, Path binaries, int port, Map<String, String> config, Duration restartWithin,
            Consumer<String> onLost) {
        this.pgData = pgData;
        this.log = log;
        this.binaries = binaries;
        this.port = port;
        this.config = config;
        this.restartWithin = restartWithin;
        this.onLost = onLost;
        this.thread = new Thread(this::supervise, "eventstore-postgres-watchdog");
        thread.setDaemon(true);
    }

    /** Starts watching the postmaster running now, which must die for the first restart. */
    void start() {
        watched = postmaster(pgData);
        thread.start();
    }

    /** Stops watching, after a start in progress; the server may then be stopped without being started again. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        thread.interrupt();
    }

    /** The live postmaster named by {@code pgData}'s {@code postmaster.pid}, if any. */
    static Optional<ProcessHandle> postmaster(Path pgData) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
            return ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // none, or unreadable: PostgreSQL itself decides whether it is stale
        }
    }

    private void supervise() {
        while (true) {
            Optional<ProcessHandle> running = watched;
            try {
                if (running.isPresent()) {
                    running.get().onExit().get();
                }
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException e) {
                LOG.debug("waiting for the embedded PostgreSQL to exit", e);
            }
            String pid = running.map(p -> Long.toString(p.pid())).orElse("unknown");
            synchronized (this) {
                if (stopped) {
                    return;
                }
                LOG.warn("the embedded PostgreSQL (pid {}) on {} stopped; starting it again on port {}", pid, pgData,
                        port);
            }
            Optional<String> failure = restart();
            synchronized (this) {
                if (stopped) {
                    return;
                }
            }
            if (failure.isPresent()) {
                onLost.accept("the embedded PostgreSQL (pid " + pid + ") on " + pgData + " stopped and could not be "
                        + "started again within " + restartWithin.toSeconds() + " s: " + failure.get());
                return;
            }
            watched = postmaster(pgData);
            LOG.warn("the embedded PostgreSQL on {} runs again (pid {})", pgData,
                    watched.map(p -> Long.toString(p.pid())).orElse("unknown"));
        }
    }

    /** Tries to start the server until it runs or time is up; empty when it runs, else the last reason. */
    private Optional<String> restart() {
        long deadline = System.nanoTime() + restartWithin.toNanos();
        String failure = "it did not start";
        while (System.nanoTime() < deadline) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            try {
                synchronized (this) {
                    if (stopped) {
                        return Optional.empty();
                    }
                    int exit = pgCtlStart(seconds);
                    if (exit == 0) {
                        return Optional.empty();
                    }
                    failure = ServerLog.lastFailure(log).orElse("pg_ctl exited with " + exit);
                }
                Thread.sleep(RESTART_PAUSE_MILLIS);
            } catch (IOException e) {
                failure = e.getMessage();
            } catch (InterruptedException e) {
                return Optional.of("interrupted");
            }
        }
        return Optional.of(failure);
    }

    /** {@code pg_ctl start}, waiting until the server takes connections or fails; its output goes to the log. */
    private int pgCtlStart(long waitSeconds) throws IOException, InterruptedException {
        String options = "-p " + port + config.entrySet().stream()
                .map(c -> " -c " + c.getKey() + "=" + c.getValue()).collect(Collectors.joining());
        File output = log.toFile();
        Process pgCtl = new ProcessBuilder(PgBinaries.INSTANCE.command(binaries, "pg_ctl", "-D", pgData.toString(),
                "-o", options, "-w", "-t", Long.toString(waitSeconds), "start"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output)).start();
        return pgCtl.waitFor();
    }
}
