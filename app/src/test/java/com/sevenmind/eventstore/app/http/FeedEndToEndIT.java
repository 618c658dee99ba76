package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.RunningCommand;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global feed end to end, on one server and on a Citus cluster: imports and HTTP pushes run at the same time
 * while {@code feed --follow} and a client of {@code GET /feed/stream} consume. Each consumer is given every stored
 * event exactly once; {@code content} equals a count in SQL of the stored events; after a {@code forget} both
 * consumers get its tombstone and {@code content} no longer counts the user.
 */
@Timeout(600)
class FeedEndToEndIT {

    @RegisterExtension
    static final TestDatabase single = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final String[] TYPES = {"Content Piece Started", "Content Piece Completed", "Content Piece Cancelled"};
    private static final String[] URIS = {"sevenmind://content/single/s1/recording/r1",
            "sevenmind://content/course/c1/item/i1/recording/r2", "sevenmind://content/single/s2/recording/r3"};
    /** Each import file's lines; every fifth is also in the other file, so the store drops it once as a duplicate. */
    private static final int LINES = 1_500;
    /** The independent count: stored events by object_uri (the payload's, of either schema version) and type. */
    private static final String CONTENT_COUNT = """
            SELECT coalesce(payload->'content'->>'object_uri', payload->>'object_uri') AS uri,
                   count(*) FILTER (WHERE event_type = 'ContentPieceStarted'),
                   count(*) FILTER (WHERE event_type = 'ContentPieceCompleted'),
                   count(*) FILTER (WHERE event_type = 'ContentPieceCancelled')
            FROM events GROUP BY 1""";

    @Test
    void on_one_server_every_consumer_sees_every_stored_event_once_and_content_equals_a_count(@TempDir Path dir)
            throws Exception {
        scenario(single, dir);
    }

    @Test
    void on_citus_every_consumer_sees_every_stored_event_once_and_content_equals_a_count(@TempDir Path dir)
            throws Exception {
        TestDatabase cluster = TestDatabase.onCitus(4).open("feed_end_to_end");
        try {
            scenario(cluster, dir);
        } finally {
            cluster.close();
        }
    }

    private static void scenario(TestDatabase db, Path dir) throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        List<UUID> users = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Files.write(a, importLines(users, "a", new Random(1)));
        Files.write(b, importLines(users, "b", new Random(2)));
        try (ServeTest.Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0));
             RunningCommand follow = new RunningCommand(db.jdbcUrl(), "feed", "--follow");
             ServeTest.LiveStream sse = new ServeTest.LiveStream(served.base(), "/feed/stream")) {
            PushLoad pushes = new PushLoad(served.base().toString(), "e2e", 2);
            CompletableFuture<Cli.Result> importA = CompletableFuture.supplyAsync(
                    () -> cli.run("import", "--format", "rudderstack", a.toString()));
            CompletableFuture<Cli.Result> importB = CompletableFuture.supplyAsync(
                    () -> cli.run("import", "--format", "rudderstack", b.toString()));
            assertEquals(0, importA.get().exit(), importA.get().toString());
            assertEquals(0, importB.get().exit(), importB.get().toString());
            pushes.close();
            assertTrue(!pushes.acknowledged.isEmpty(), "pushes were stored while the imports ran");

            List<String> stored = query(db, "SELECT user_uuid || '/' || unique_id FROM events ORDER BY 1");
            assertEquals(List.of(String.valueOf(2 * LINES - LINES / 5)), query(db,
                    "SELECT count(*) FROM events WHERE unique_id NOT LIKE 'e2e-%'"), "each distinct import line once");
            assertEquals(List.of(String.valueOf(pushes.acknowledged.size())), query(db, "SELECT count(*) FROM events "
                    + "WHERE unique_id = ANY('{" + String.join(",", pushes.acknowledged) + "}')"),
                    "every acknowledged push is stored");
            List<String> fromSse = new ArrayList<>();
            while (fromSse.size() < stored.size()) {
                fromSse.add(key(MAPPER.readTree(sse.nextData())));
            }
            await(() -> follow.lines().size() >= stored.size(), "feed --follow printed " + stored.size() + " lines",
                    follow);
            List<String> fromFollow = new ArrayList<>();
            for (String line : follow.lines()) {
                fromFollow.add(key(MAPPER.readTree(line)));
            }
            assertEquals(stored, fromFollow.stream().sorted().toList(), "feed --follow: every stored event once");
            assertEquals(stored, fromSse.stream().sorted().toList(), "GET /feed/stream: every stored event once");
            awaitContent(db, cli, served);

            UUID forgotten = users.get(0);
            assertEquals(0, cli.run("forget", forgotten.toString()).exit());
            String tombstone = follow.awaitLast(line -> line.contains("forgotten_user_hash"));
            assertEquals(MAPPER.readTree(tombstone).get("forgotten_user_hash"),
                    MAPPER.readTree(sse.nextData()).get("forgotten_user_hash"), "the stream sends the forget too");
            assertTrue(!tombstone.contains(forgotten.toString()), "the tombstone does not name the user");
            assertEquals(List.of("0"), query(db, "SELECT count(*) FROM events WHERE user_uuid = '" + forgotten + "'"));
            awaitContent(db, cli, served);
            assertEquals(0, follow.stop());
        }
    }

    /** Both files name the same users; line i of file b repeats line i of file a when i is a multiple of 5. */
    private static List<String> importLines(List<UUID> users, String file, Random random) {
        List<String> lines = new ArrayList<>();
        Instant first = Instant.parse("2024-05-01T00:00:00Z");
        for (int i = 0; i < LINES; i++) {
            boolean shared = i % 5 == 0;
            Random pick = shared ? new Random(i) : random;
            lines.add(PushLoad.track(users.get(pick.nextInt(users.size())), (shared ? "shared-" : file + "-") + i,
                    TYPES[pick.nextInt(TYPES.length)], URIS[pick.nextInt(URIS.length)], first.plusSeconds(i), i));
        }
        return lines;
    }

    /**
     * Waits until {@code global content}, and serve's {@code GET /global/content}, equal the count in SQL: serve
     * folds within about a second of a commit, and the command prints what serve saved.
     */
    private static void awaitContent(TestDatabase db, Cli cli, ServeTest.Served served) throws Exception {
        TreeMap<String, List<Long>> expected = new TreeMap<>();
        db.sql().useHandle(h -> h.createQuery(CONTENT_COUNT).map((rs, ctx) -> expected.put(
                rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4)))).list());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TreeMap<String, List<Long>> printed = null;
        TreeMap<String, List<Long>> answered = null;
        while (System.nanoTime() < deadline) {
            Cli.Result result = cli.run("global", "content", "--format", "json");
            assertEquals(0, result.exit(), result.toString());
            printed = content(MAPPER.readTree(result.out()).get("view"));
            answered = content(MAPPER.readTree(ServeTest.send(served.base(), "GET", "/global/content", null).body())
                    .get("view"));
            if (expected.equals(printed) && expected.equals(answered)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200); // the next poll of a condition that serve makes true within a second
        }
        throw new AssertionError("content is not the count in SQL within 30 s: expected " + expected
                + ", global printed " + printed + ", GET /global/content answered " + answered);
    }

    private static TreeMap<String, List<Long>> content(JsonNode view) {
        TreeMap<String, List<Long>> rows = new TreeMap<>();
        view.forEach(r -> rows.put(r.get("object_uri").asText(),
                List.of(r.get("started").asLong(), r.get("completed").asLong(), r.get("cancelled").asLong())));
        return rows;
    }

    private static String key(JsonNode line) {
        return line.get("user_id").asText() + "/" + line.get("unique_id").asText();
    }

    private static List<String> query(TestDatabase db, String sql) {
        return db.sql().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static void await(BooleanSupplier done, String what, RunningCommand command) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what + "; stderr:\n" + command.err);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
