package com.sevenmind.eventstore.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Citus cluster per test class: a coordinator and two workers, each its own PostgreSQL server, started on
 * free ports by the Citus test tooling's {@code cluster.sh} in a new directory under /tmp (the servers run as the
 * OS user postgres, who must reach it), stopped and deleted afterwards. The tooling's directory: the system
 * property {@code eventstore.citus.scripts}, else {@code EVENTSTORE_CITUS_SCRIPTS}, else {@code ../shared/citus}
 * beside the repository. Without Citus the class is skipped with the reason, unless {@code CI} is set: then it fails.
 */
final class CitusTestCluster implements BeforeAllCallback, AfterAllCallback {

    static final int WORKERS = 2;
    private static final Path CITUS_LIBRARY = Path.of("/usr/lib/postgresql/15/lib/citus.so");
    private static final Path PG_CTL = Path.of("/usr/lib/postgresql/15/bin/pg_ctl");
    private static final long SCRIPT_SECONDS = 180;

    private Path scripts;
    private Path directory;
    private int basePort;
    private int workers = WORKERS;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        scripts = scriptsDirectory();
        if (!Files.isRegularFile(CITUS_LIBRARY) || !Files.isRegularFile(scripts.resolve("cluster.sh"))) {
            String reason = "Citus is not installed (" + CITUS_LIBRARY + ", " + scripts.resolve("cluster.sh")
                    + "): run install.sh from the Citus scripts' directory";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(reason + " (CI is set: the Citus tests must run)");
            }
            // Where a build shows it: a class skipped in its setup is easy to miss in a report.
            System.err.println("skipping " + context.getDisplayName() + ": " + reason);
            Assumptions.abort(reason);
        }
        directory = Files.createTempDirectory(Path.of("/tmp"), "eventstore-citus-");
        basePort = freePorts(WORKERS + 2); // room for a worker added by a test
        start();
    }

    /** Starts one more worker and registers it with the coordinator, as an operator adds one. */
    void addWorker() throws IOException, InterruptedException {
        workers++;
        start();
    }

    private void start() throws IOException, InterruptedException {
        run(SCRIPT_SECONDS, "bash", scripts.resolve("cluster.sh").toString(), "start", directory.toString(),
                String.valueOf(workers), String.valueOf(basePort));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (directory != null) {
            run(SCRIPT_SECONDS, "bash", scripts.resolve("cluster.sh").toString(), "stop", directory.toString());
            run(SCRIPT_SECONDS, "rm", "-rf", directory.toString());
        }
    }

    /** The coordinator's JDBC URL, of the database the workers are registered in. */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + basePort + "/postgres?user=postgres";
    }

    /** The port of the coordinator (0) or of a worker (1, 2, ...). */
    int port(int node) {
        return basePort + node;
    }

    /** Stops a node's server at once, as a crash would look to the coordinator. */
    void stop(int node) throws IOException, InterruptedException {
        List<String> asPostgres = "root".equals(System.getProperty("user.name"))
                ? List.of("runuser", "-u", "postgres", "--") : List.of("sudo", "-u", "postgres");
        List<String> command = new ArrayList<>(asPostgres);
        command.addAll(List.of(PG_CTL.toString(), "-D", directory.resolve("node" + port(node)).toString(),
                "-m", "immediate", "-w", "stop"));
        run(60, command.toArray(String[]::new));
    }

    /** Runs statements on the coordinator, each in its own transaction. */
    void execute(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The first column of the first row of {@code sql} on a node (0 the coordinator), as a number. */
    long query(int node, String sql) throws SQLException {
        String url = "jdbc:postgresql://localhost:" + port(node) + "/postgres?user=postgres";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
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

    /** The first of {@code count} consecutive ports nothing listens on. */
    private static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    private static void run(long seconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
