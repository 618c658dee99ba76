package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} of the shaded jar run as a platform runs it: configured by its environment, stopped by SIGTERM. */
@Timeout(120)
class ServeOpsIT {

    private static final int CLIENTS = 8;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /**
     * SIGTERM under a load of pushes: readiness fails at once while pushes are still taken for the drain delay; then
     * every request is answered (200 or 503) or refused, none hangs; the live stream gets its last event; every
     * acknowledged push is stored; the process exits 0, and its log lines are JSON objects, one a line.
     */
    @Test
    void sigterm_under_load_answers_every_request_keeps_every_acknowledged_push_and_exits_0() throws Exception {
        Path data = dir.resolve("data");
        ServeProcess serve = ServeProcess.start(List.of("--data-dir", data.toString(), "--verbose", "--log-format",
                "json", "serve", "--port", "0", "--drain-seconds", "1"), Map.of(), dir.resolve("serve.err"));
        List<String> live = new CopyOnWriteArrayList<>();
        Thread stream = new Thread(() -> readLines(serve.base + "/users/" + UUID.randomUUID()
                + "/projections/stats/live", live), "live-stream");
        stream.start();
        Set<String> acknowledged;
        List<PushLoad.Answer> answers;
        long terminated;
        int exit;
        try (PushLoad load = new PushLoad(serve.base, "term", CLIENTS)) {
            waitFor(() -> load.acknowledged.size() >= 300 && live.stream().anyMatch(l -> l.startsWith("data: ")),
                    "pushes acknowledged and the live stream's first event");
            terminated = System.nanoTime();
            serve.process.destroy(); // SIGTERM
            int before = load.acknowledged.size();
            // The signal reaches the process asynchronously: readiness must fail within a moment, long before the
            // drain delay (1 s) ends.
            HttpResponse<String> ready = get(serve.base + "/readyz");
            long askedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (ready.statusCode() == 200 && System.nanoTime() < askedUntil) {
                Thread.sleep(10);
                ready = get(serve.base + "/readyz");
            }
            assertEquals("503 {\"error\":\"not ready: shutting down\"}", ready.statusCode() + " "
                    + ready.body().strip());
            Thread.sleep(500);
            assertTrue(load.acknowledged.size() > before, "pushes are still taken while draining");
            assertTrue(serve.process.waitFor(30, TimeUnit.SECONDS), "serve did not exit after SIGTERM");
            exit = serve.process.exitValue();
            Thread.sleep(300); // the clients see the server gone
            load.close();
            acknowledged = Set.copyOf(load.acknowledged);
            answers = List.copyOf(load.answers);
        }
        assertEquals(0, exit, serve.stderr());

        List<PushLoad.Answer> late = answers.stream().filter(a -> a.sentAt() >= terminated).toList();
        long slowest = answers.stream().mapToLong(PushLoad.Answer::millis).max().orElse(0);
        Map<Integer, Long> statuses = new TreeMap<>(late.stream()
                .collect(Collectors.groupingBy(PushLoad.Answer::status, Collectors.counting())));
        System.out.printf("serve stopped by SIGTERM: %d pushes acknowledged; sent after it: %s (status: count, 0 "
                + "is no answer); slowest answer %d ms%n", acknowledged.size(), statuses, slowest);
        assertTrue(slowest < 10_000, "a request hung for " + slowest + " ms");
        assertTrue(Set.of(0, 200, 503).containsAll(statuses.keySet()), "answers after SIGTERM: " + statuses);

        stream.join(10_000);
        assertTrue(!stream.isAlive() && live.contains("event: closing")
                && live.contains("data: {\"reason\":\"server stopping\"}"), "live stream: " + live);

        Set<String> stored = new HashSet<>();
        stored.addAll(StoredRows.read(data, h -> h.createQuery("SELECT unique_id FROM events")
                .mapTo(String.class).list()));
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "acknowledged, yet not stored");

        List<String> lines = Files.readAllLines(dir.resolve("serve.err"));
        for (String line : lines) {
            JsonNode node = MAPPER.readTree(line);
            assertTrue(node.isObject() && node.has("timestamp") && node.has("level") && node.has("loggerName")
                    && node.has("formattedMessage"), "not a log object: " + line);
        }
        assertTrue(lines.stream().map(l -> parse(l).path("formattedMessage").asText())
                .anyMatch(m -> m.startsWith("stopping: not ready from now on")), String.join("\n", lines));
    }

    /** No flags at all: the port from PORT, as Cloud Run sets it, the pool size and the database from EVENTSTORE_*. */
    @Test
    void serve_configured_by_the_environment_alone_listens_on_PORT_with_the_pool_size_given() throws Exception {
        String database = "serve_env_" + ProcessHandle.current().pid();
        try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> environment = Map.of("PORT", Integer.toString(port),
                "EVENTSTORE_DB_URL", TestDatabase.server().getJdbcUrl("postgres", database),
                "EVENTSTORE_POOL_SIZE", "3", "EVENTSTORE_DRAIN_SECONDS", "0");
        try (ServeProcess serve = ServeProcess.start(List.of("serve"), environment, dir.resolve("env.err"))) {
            assertEquals("http://127.0.0.1:" + port, serve.base);
            HttpResponse<String> ready = get(serve.base + "/readyz");
            assertEquals("200 {\"status\":\"ready\"}", ready.statusCode() + " " + ready.body().strip());
            // The pool keeps as many connections open as it may hold; the live feed has one of its own.
            waitFor(() -> connections(database) == 4, "4 connections to " + database);
            Thread.sleep(1_000);
            assertEquals(4, connections(database), "3 in the pool and the live feed's");
            assertEquals(0, serve.stop(), serve.stderr());
        }
    }

    private static int connections(String database) {
        try (Connection c = TestDatabase.server().getPostgresDatabase().getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                        + database + "'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads a live stream's lines into {@code lines} until the server ends it. */
    private static void readLines(String url, List<String> lines) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofLines())
                    .body().forEach(lines::add);
        } catch (IOException | InterruptedException | RuntimeException e) {
            lines.add("failed: " + e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(line, e);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 20 s for " + what);
            }
            Thread.sleep(20);
        }
    }
}
