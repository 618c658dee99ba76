package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real Citus cluster (a coordinator and two workers) while the cluster changes under it: a worker
 * added and the shards rebalanced while serve takes pushes, and a worker that dies.
 */
@Timeout(600)
class CitusClusterIT {

    /** 8 shards, not 32: the rebalance moves a third of them while pushes come, in seconds rather than a minute. */
    @RegisterExtension
    static final TestDatabase cluster = TestDatabase.onCitus(8);

    @RegisterExtension
    static final TestDatabase single = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();

    @Test
    void a_worker_added_and_the_shards_rebalanced_under_pushes_loses_nothing_and_changes_no_projection(
            @TempDir Path dir) throws Exception {
        Cli cli = new Cli(cluster.jdbcUrl());
        assertEquals(0, cli.run("generate", "--users", "30", "--events", "3000", "--seed", "7").exit());
        List<String> users = new ArrayList<>();
        MAPPER.readTree(cli.run("users", "--top", "30", "--format", "json").out())
                .forEach(u -> users.add(u.get("user_id").asText()));
        Map<String, JsonNode> before = new HashMap<>();
        for (String user : users) {
            before.put(user, projections(cli, user));
        }

        int newWorker;
        List<PushLoad.Answer> duringMove;
        PushLoad load;
        try (ServeTest.Served served = ServeTest.serve(cluster.database(), HttpApi.Settings.of("127.0.0.1", 0))) {
            load = new PushLoad(served.base().toString(), "rebalance", 4);
            try {
                Thread.sleep(1_000);
                newWorker = cluster.extraWorker();
                long moveStarted = System.nanoTime();
                sql("SELECT citus_add_node('localhost', " + newWorker + ")");
                sql("SELECT citus_rebalance_start()");
                sql("SELECT citus_rebalance_wait()");
                duringMove = load.sentBetween(moveStarted, System.nanoTime());
                Thread.sleep(500);
            } finally {
                load.close();
            }
            // The projections of the users the pushes wrote, through serve: its snapshots were made during the move.
            for (String user : pushUsers()) {
                HttpResponse<String> answer = ServeTest.send(served.base(), "GET", "/users/" + user + "/projections",
                        null);
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals(reprojected(cli, user, dir), MAPPER.readTree(answer.body()).get("projections"),
                        "serve's projection of " + user + " after the move equals a fresh one of its events");
            }
        }

        assertTrue(count("SELECT count(*) FROM citus_shards WHERE table_name = 'events'::regclass AND nodeport = "
                + newWorker) > 0, "the rebalance moved shards of events to the new worker");
        assertTrue(duringMove.stream().anyMatch(a -> a.status() == 200), "pushes were acknowledged during the move");
        assertFalse(load.acknowledged.isEmpty());
        assertEquals(load.acknowledged.size(), count("SELECT count(*) FROM events WHERE unique_id = ANY('{"
                + String.join(",", load.acknowledged) + "}')"), "every acknowledged push is stored");
        assertEquals(0, count("SELECT count(*) FROM (SELECT 1 FROM events GROUP BY user_uuid, unique_id "
                + "HAVING count(*) > 1) AS twice"), "no event is stored twice");
        for (String user : users) {
            assertEquals(before.get(user), projections(cli, user), "the projection of " + user + " is unchanged");
        }
    }

    @Test
    void a_dead_worker_fails_only_its_users_with_one_line_naming_it(@TempDir Path dir) throws Exception {
        Cli cli = new Cli(cluster.jdbcUrl());
        assertEquals(0, cli.run("generate", "--users", "20", "--events", "400", "--seed", "11").exit());
        Map<Integer, String> userByNode = new HashMap<>();
        MAPPER.readTree(cli.run("users", "--top", "20", "--format", "json").out()).forEach(u -> {
            String user = u.get("user_id").asText();
            userByNode.putIfAbsent(nodeOf(user), user);
        });
        int deadPort = cluster.nodePort(2);
        int livePort = cluster.nodePort(1);
        String deadUser = userByNode.get(deadPort);
        String liveUser = userByNode.get(livePort);
        assertTrue(deadUser != null && liveUser != null, "users on both workers: " + userByNode);
        // The living user gets a snapshot, so that its reads below continue from it and check for late events.
        Path events = dir.resolve("live-user.jsonl");
        Instant first = Instant.parse("2024-05-01T00:00:00Z");
        Files.write(events, IntStream.range(0, 1_100).mapToObj(i -> PushLoad.track(UUID.fromString(liveUser),
                "snap-" + i, first.plusSeconds(60L * i), i)).toList());
        assertEquals(0, cli.run("import", "--format", "rudderstack", events.toString()).exit());
        JsonNode uncached = projections(cli, liveUser);
        assertEquals(uncached, projections(cli, liveUser));
        assertTrue(count("SELECT count(*) FROM snapshots WHERE user_uuid = '" + liveUser + "'") > 0,
                "the living user has a snapshot");

        cluster.stopNode(2);
        try {
            Cli.Result dead = cli.run("project", deadUser, "--format", "json");
            assertEquals(1, dead.exit(), dead.toString());
            assertEquals(1, dead.err().strip().lines().count(), dead.toString());
            assertTrue(dead.err().contains("the worker node localhost:" + deadPort + " is unreachable"),
                    dead.toString());
            assertEquals(uncached, projections(cli, liveUser), "the living user's snapshot, read with a worker down");

            try (ServeTest.Served served = ServeTest.serve(cluster.database(),
                    HttpApi.Settings.of("127.0.0.1", 0))) {
                Instant at = Instant.parse("2024-06-01T10:00:00Z");
                for (int round = 0; round < 10; round++) {
                    // Sent together, so that pushes of both users share commits: the dead worker's events must
                    // not fail the others.
                    List<CompletableFuture<Integer>> toDead = new ArrayList<>();
                    List<CompletableFuture<Integer>> toLive = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        toDead.add(pushAsync(served.base(), deadUser, "dead-" + round + "-" + i, at));
                        toLive.add(pushAsync(served.base(), liveUser, "live-" + round + "-" + i, at));
                    }
                    for (int i = 0; i < 6; i++) {
                        assertEquals(503, toDead.get(i).get(), "round " + round + ", push " + i + " to the dead");
                        assertEquals(200, toLive.get(i).get(), "round " + round + ", push " + i + " to the living");
                    }
                }
                AppendBatcher.Counts commits = served.api().pushCommits();
                assertTrue(commits.events() > commits.batches(), "pushes shared commits: " + commits);
                HttpResponse<String> projection = ServeTest.send(served.base(), "GET",
                        "/users/" + deadUser + "/projections", null);
                assertEquals(503, projection.statusCode(), projection.body());
                for (int read = 0; read < 2; read++) {
                    // The second read continues from the states the first left in memory.
                    HttpResponse<String> live = ServeTest.send(served.base(), "GET",
                            "/users/" + liveUser + "/projections", null);
                    assertEquals(200, live.statusCode(), "read " + read + ": " + live.body());
                }
            }
        } finally {
            cluster.startNode(2);
        }
        assertEquals(60, count("SELECT count(*) FROM events WHERE unique_id LIKE 'live-%'"));
    }

    private static CompletableFuture<Integer> pushAsync(URI base, String user, String messageId, Instant at) {
        String body = PushLoad.push("pubsub-" + messageId, PushLoad.track(UUID.fromString(user), messageId, at, 1));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ServeTest.send(base, "POST", "/pubsub/push", body, "Content-Type", "application/json")
                        .statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The port of the node holding the user's shard of events. */
    private static int nodeOf(String user) {
        return (int) count("SELECT nodeport FROM citus_shards WHERE table_name = 'events'::regclass AND shardid = "
                + "get_shard_id_for_distribution_column('events', '" + user + "'::uuid)");
    }

    private static List<String> pushUsers() {
        return cluster.sql().withHandle(h -> h.createQuery(
                "SELECT DISTINCT user_uuid::text FROM events WHERE unique_id LIKE 'rebalance-%'")
                .mapTo(String.class).list());
    }

    private static JsonNode projections(Cli cli, String user) throws Exception {
        Cli.Result result = cli.run("project", user, "--format", "json");
        assertEquals(0, result.exit(), result.toString());
        return MAPPER.readTree(result.out()).get("projections");
    }

    /** The user's projections from its events exported from the cluster and imported into one plain server. */
    private static JsonNode reprojected(Cli cli, String user, Path dir) throws Exception {
        Path file = dir.resolve(user + ".jsonl");
        Files.writeString(file, cli.run("export", user).out());
        Cli plain = new Cli(single.jdbcUrl());
        assertEquals(0, plain.run("import", file.toString()).exit());
        return projections(plain, user);
    }

    private static void sql(String statement) {
        cluster.sql().useHandle(h -> h.execute(statement));
    }

    private static long count(String query) {
        return cluster.sql().withHandle(h -> h.createQuery(query).mapTo(Long.class).one());
    }
}
