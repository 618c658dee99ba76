package com.sevenmind.eventstore.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Citus cluster for tests: a coordinator and {@link #WORKERS} workers, each its own PostgreSQL server on
 * localhost, started once per test JVM by the project's cluster script on free ports and stopped when the JVM exits.
 * Each test class gets a database of its own on every node, with Citus in it and the workers registered.
 *
 * <p>The scripts' directory: the system property {@code eventstore.citus.scripts}, else the environment variable
 * {@code EVENTSTORE_CITUS_SCRIPTS}, else {@code ../shared/citus} beside the repository. Without Citus installed the
 * tests that need it are skipped with the reason, unless the environment variable {@code CI} is set: then they fail.
 */
final class CitusCluster {

    static final int WORKERS = 2;
    private static final String CITUS_LIBRARY = "/usr/lib/postgresql/15/lib/citus.so";
    private static final long START_SECONDS = 180;

    private static CitusCluster cluster;
    private static String unavailable;

    private final Path scripts;
    private final Path directory;
    private final int basePort;

    private CitusCluster(Path scripts, Path directory, int basePort) {
        this.scripts = scripts;
        this.directory = directory;
        this.basePort = basePort;
    }

    /** The cluster of this JVM, started on first use; skips (or, under CI, fails) the caller when there is none. */
    static synchronized CitusCluster get() {
        String reason = unavailable();
        if (reason != null) {
            Assumptions.abort(reason);
        }
        return cluster;
    }

    /**
     * Why there is no cluster in this JVM (Citus is not installed), or null when there is one, started on first use;
     * under CI a missing Citus fails instead.
     */
    static synchronized String unavailable() {
        if (cluster == null && unavailable == null) {
            Path scripts = scriptsDirectory();
            if (!Files.isRegularFile(Path.of(CITUS_LIBRARY)) || !Files.isRegularFile(scripts.resolve("cluster.sh"))) {
                unavailable = "Citus is not installed (" + CITUS_LIBRARY + ", " + scripts.resolve("cluster.sh")
                        + "): run install.sh from the Citus scripts' directory";
                // Once, where a build shows it: a skipped test class's reason is easy to miss in a report.
                System.err.println("skipping the Citus tests: " + unavailable);
            } else {
                cluster = start(scripts);
            }
        }
        if (cluster == null && System.getenv("CI") != null) {
            throw new IllegalStateException(unavailable + " (CI is set: the Citus tests must run)");
        }
        return cluster == null ? unavailable : null;
    }

    private static Path scriptsDirectory() {
        String configured = System.getProperty("eventstore.citus.scripts", System.getenv("EVENTSTORE_CITUS_SCRIPTS"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        // Tests run in their module's directory; the repository's root is the topmost directory with a pom.xml.
        Path root = Path.of("").toAbsolutePath();
        while (root.getParent() != null && Files.isRegularFile(root.getParent().resolve("pom.xml"))) {
            root = root.getParent();
        }
        return root.resolveSibling("shared").resolve("citus");
    }

    private static CitusCluster start(Path scripts) {
        try {
            // Under /tmp: the servers run as the OS user postgres, who must reach the directory.
            Path directory = Files.createTempDirectory(Path.of("/tmp"), "eventstore-citus-");
            int basePort = freePorts(WORKERS + 2); // the extra worker of extraWorker's too
            CitusCluster started = new CitusCluster(scripts, directory, basePort);
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "citus-cluster-stop"));
            started.script("start", directory.toString(), String.valueOf(WORKERS), String.valueOf(basePort));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Citus cluster", e);
        }
    }

    /** The first of {@code count} consecutive free ports. */
    private static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            // Below Linux's ephemeral range (32768 and up), where a client's connection could take a port between
            // this check and a server's start.
            int base = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private void stop() {
        try {
            script("stop", directory.toString());
            new ProcessBuilder("rm", "-rf", directory.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("cannot stop the Citus cluster in " + directory + ": " + e.getMessage());
        }
    }

    private String script(String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", scripts.resolve("cluster.sh").toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** Runs {@code command} to its end; its output, or a failure with it. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(START_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
    }

    /** The JDBC URL of database {@code name} on the coordinator (node 0) or a worker (1..{@link #WORKERS}). */
    String jdbcUrl(int node, String name) {
        return "jdbc:postgresql://localhost:" + (basePort + node) + "/" + name + "?user=postgres";
    }

    /**
     * Creates database {@code name} on every node (Citus does not create it on the workers) with Citus in it, and
     * registers the workers with the coordinator: node metadata is kept per database.
     */
    void createDatabase(String name) {
        createPlainDatabase(name);
        addCitus(name, WORKERS);
    }

    /** Sets the shard count of the tables database {@code name} distributes from now on. */
    void setShardCount(String name, int shards) {
        execute(jdbcUrl(0, "postgres"), "ALTER DATABASE " + name + " SET citus.shard_count = " + shards);
    }

    /** Creates database {@code name} on every node, without Citus in it. */
    void createPlainDatabase(String name) {
        for (int node = 0; node <= WORKERS; node++) {
            execute(jdbcUrl(node, "postgres"), "CREATE DATABASE " + name);
        }
    }

    /**
     * Adds Citus to database {@code name} on the coordinator and the first {@code workers} workers, and registers
     * the coordinator and those workers; with none it is a Citus single node, and with -1 not even the coordinator is
     * registered, as after a bare {@code CREATE EXTENSION citus}.
     */
    void addCitus(String name, int workers) {
        List<String> register = new ArrayList<>();
        register.add("CREATE EXTENSION citus");
        if (workers >= 0) {
            register.add("SELECT citus_set_coordinator_host('localhost', " + basePort + ")");
        }
        for (int node = 1; node <= workers; node++) {
            execute(jdbcUrl(node, name), "CREATE EXTENSION citus");
            register.add("SELECT citus_add_node('localhost', " + (basePort + node) + ")");
        }
        execute(jdbcUrl(0, name), register.toArray(String[]::new));
    }

    int coordinatorPort() {
        return basePort;
    }

    /** The port of node {@code node}: 0 the coordinator, then the workers. */
    int port(int node) {
        return basePort + node;
    }

    /** Stops node {@code node}'s server at once, as a crash would; {@link #startNode} brings it back. */
    void stopNode(int node) {
        pgCtl(node, "stop", "-m", "immediate");
    }

    void startNode(int node) {
        pgCtl(node, "start", "-l", directory.resolve("node" + port(node) + ".log").toString());
    }

    /**
     * Starts the server of one more worker, node {@link #WORKERS} + 1, if it is not running, and creates database
     * {@code name} on it with Citus in it; it is not registered in that database: a test adds it as an operator
     * would. Returns its port.
     */
    int extraWorker(String name) {
        script("start", directory.toString(), String.valueOf(WORKERS + 1), String.valueOf(basePort));
        int node = WORKERS + 1;
        execute(jdbcUrl(node, "postgres"), "CREATE DATABASE " + name);
        execute(jdbcUrl(node, name), "CREATE EXTENSION citus");
        return port(node);
    }

    /** Drops database {@code name} on the extra worker of {@link #extraWorker}. */
    void dropOnExtraWorker(String name) {
        execute(jdbcUrl(WORKERS + 1, "postgres"), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void pgCtl(int node, String... arguments) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of("/usr/lib/postgresql/15/bin/pg_ctl", "-D",
                directory.resolve("node" + port(node)).toString(), "-w"));
        command.addAll(List.of(arguments));
        run(command);
    }

    /** Drops database {@code name} on every node, the coordinator first: it holds connections to the workers. */
    void dropDatabase(String name) {
        for (int node = 0; node <= WORKERS; node++) {
            dropForced(jdbcUrl(node, "postgres"), name);
        }
    }

    /**
     * DROP DATABASE … WITH (FORCE) on one node, again while it answers 55006 (in use) for up to 60 s: FORCE waits
     * only 5 s for the sessions it ends to exit, and on a loaded machine a session of the test's last serve can take
     * longer. Before each retry every session still in the database is ended, background workers included (a
     * Citus background task left by a rebalance is one, and FORCE did not end it); the error names what was left.
     */
    private static void dropForced(String url, String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                try {
                    s.execute("DROP DATABASE " + name + " WITH (FORCE)");
                    return;
                } catch (SQLException e) {
                    if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw new IllegalStateException(url + ": " + e.getMessage() + "; left: " + sessions(s, name),
                                e);
                    }
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                            + "' AND pid <> pg_backend_pid()");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(url + ": " + e.getMessage(), e);
            }
        }
    }

    /** The sessions in database {@code name}: their backend types and application names. */
    private static String sessions(Statement s, String name) throws SQLException {
        try (var rs = s.executeQuery("SELECT string_agg(backend_type || ' ' || coalesce(application_name, ''), ', ')"
                + " FROM pg_stat_activity WHERE datname = '" + name + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(String url, String... statements) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        }
    }
}
