package com.sevenmind.eventstore.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.Main;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bench on tiny workloads (hidden --events): its shape and counts, never its speed. */
class BenchCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void json_has_every_figure_and_the_counts_of_the_workload() throws Exception {
        Cli.Result result = bench("bench", "--events", "1990", "--scale", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode report = Json.newObjectMapper().readTree(result.out());
        assertKeys(report, "workload", "append", "project", "cached", "live", "feed", "push", "heap", "scale", "machine",
                "postgresql_version", "server", "cluster", "seconds");
        assertEquals("a fresh embedded PostgreSQL", report.get("server").asText());
        assertFalse(report.get("cluster").get("citus").asBoolean(), report.get("cluster").toString());

        JsonNode workload = report.get("workload");
        assertEquals(1990, workload.get("events").asLong());
        assertEquals(1000, workload.get("main_user_events").asLong());
        assertEquals(10, workload.get("background_user_events").asLong());
        assertEquals(5, workload.get("runs").asInt());

        JsonNode append = report.get("append");
        assertKeys(append, "ours_events_per_s", "raw_copy_events_per_s", "ratio");
        assertEquals(1990, append.get("stored").asLong(), "our append stored exactly the workload");
        assertEquals(0, append.get("duplicates").asLong());
        assertEquals(1990, append.get("stored_total").asLong());
        assertEquals(1990, append.get("raw_copied").asLong(), "COPY stored exactly the workload");
        assertPositive(append, "ours_events_per_s", "raw_copy_events_per_s", "ratio");
        assertEquals(5, append.get("samples_events_per_s").get("ours").size());
        assertEquals(5, append.get("samples_events_per_s").get("raw_copy").size());

        JsonNode project = report.get("project");
        List<String> projectKeys = new ArrayList<>();
        project.fieldNames().forEachRemaining(projectKeys::add);
        assertEquals(List.of("main_user_events", "stats_ms", "history_ms", "both_ms", "raw_read_ms",
                "raw_read_decode_ms", "stats_vs_raw_read", "history_vs_raw_read_decode", "both_vs_history",
                "samples_ms"), projectKeys, "each projection of the registry, in the order of earlier reports");
        assertEquals(1000, project.get("main_user_events").asLong(), "every run read the main user's events");
        assertPositive(project, "stats_ms", "history_ms", "both_ms", "raw_read_ms", "raw_read_decode_ms",
                "stats_vs_raw_read", "history_vs_raw_read_decode", "both_vs_history");
        for (String name : List.of("stats", "history", "both", "raw_read", "raw_read_decode")) {
            assertEquals(5, project.get("samples_ms").get(name).size(), name);
        }

        JsonNode cached = report.get("cached");
        assertPositive(cached, "in_order_in_memory_ms", "in_order_from_table_ms", "after_late_ms", "full_ms",
                "late_vs_full");
        assertEquals(20, cached.get("samples_ms").get("in_memory").size(), "4 per run");
        for (String name : List.of("from_table", "late", "full")) {
            assertEquals(5, cached.get("samples_ms").get(name).size(), name);
        }

        JsonNode live = report.get("live");
        assertEquals(1000, live.get("appends").asInt(), "as many appends as the main user has events, at most 1,000");
        assertPositive(live, "median_millis", "p99_millis", "max_millis");
        assertTrue(live.get("median_millis").asDouble() <= live.get("p99_millis").asDouble()
                && live.get("p99_millis").asDouble() <= live.get("max_millis").asDouble(), live.toString());

        JsonNode feed = report.get("feed");
        assertTrue(feed.get("events").asLong() >= 1990, "caught up over the workload at least: " + feed);
        assertPositive(feed, "catch_up_ms", "raw_ms", "catch_up_vs_raw", "sse_p50_ms", "sse_max_ms",
                "rebuild_content_ms");
        assertTrue(feed.get("sse_p50_ms").asDouble() <= feed.get("sse_max_ms").asDouble(), feed.toString());

        JsonNode push = report.get("push");
        assertEquals(1990, push.get("pushes").asInt(), "as many pushes as the workload has events, at most 20,000");
        assertEquals(8, push.get("clients").asInt());
        assertPositive(push, "pushes_per_s", "raw_tx_per_s", "ratio", "p50_ms", "p99_ms", "commits", "mean_batch");
        assertTrue(push.get("p50_ms").asDouble() <= push.get("p99_ms").asDouble(), push.toString());
        assertTrue(push.get("commits").asLong() <= 1990 && push.get("mean_batch").asDouble() >= 1, push.toString());

        assertPositive(report.get("heap"), "used_mb", "max_mb");
        assertKeys(report.get("machine"), "cores", "java", "os");
        assertFalse(report.get("postgresql_version").asText().isBlank());

        JsonNode scale = report.get("scale");
        assertEquals(3, scale.size());
        long[] sizes = {2_000, 10_000, 50_000};
        for (int i = 0; i < sizes.length; i++) {
            JsonNode at = scale.get(i);
            assertEquals(sizes[i], at.get("events").asLong(), "1/100 of 200k, 1M, 5M");
            assertEquals(10, at.get("small_user_events").asLong());
            assertPositive(at, "small_user_ms", "main_user_ms");
            assertTrue(at.get("small_user_plan").get(0).asText().contains("cost="), at.toString());
            assertTrue(at.get("main_user_plan").size() > 1, at.toString());
        }
    }

    @Test
    void text_shows_the_table_and_the_plans() {
        Cli.Result result = bench("bench", "--events", "199", "--scale", "--quick");

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().contains("ours / raw"), result.out());
        assertTrue(result.out().contains("\n  stats / (a)      "), result.out());
        assertTrue(result.out().contains("\n  history / (b)      "), result.out());
        assertTrue(result.out().contains("\n  stats+history / history      "), result.out());
        assertTrue(result.out().contains("snapshot cache: the main user through stats+history, median"), result.out());
        assertTrue(result.out().contains("live feed: commit to a follower's re-read of stats, "), result.out());
        assertTrue(result.out().contains("pushes / raw"), result.out());
        assertTrue(result.out().contains("(fewer than a full run's 20,000)"), result.out());
        assertTrue(result.out().contains("EXPLAIN (ANALYZE, BUFFERS) of the stream query at 5,000 events"),
                result.out());
    }

    @Test
    void a_workload_not_of_the_reference_shape_is_a_usage_error() {
        Cli.Result result = bench("bench", "--events", "1000");

        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().contains("multiple of 199"), result.err());
    }

    @Test
    void with_db_url_it_runs_in_a_schema_of_its_own_and_leaves_the_stores_data_as_it_was() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        assertEquals(0, cli.run("generate", "--users", "3", "--events", "300", "--seed", "9").exit());
        String before = storeContents();

        Cli.Result result = cli.run("bench", "--events", "199", "--quick", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode report = Json.newObjectMapper().readTree(result.out());
        assertEquals("PostgreSQL at --db-url, in schema eventstore_bench:", report.get("server").asText());
        assertEquals(199, report.get("append").get("stored_total").asLong(), "its own empty events table");
        assertEquals(199, report.get("append").get("raw_copied").asLong());
        assertTrue(result.err().contains("bench: running in schema eventstore_bench of " + db.jdbcUrl()),
                result.err());
        int warning = result.err().indexOf("bench: it runs VACUUM ANALYZE and ANALYZE on its own tables there, and "
                + "CHECKPOINT (which writes the whole server's dirty pages) between runs when this role may");
        assertTrue(warning >= 0 && warning < result.err().indexOf("bench: generating"),
                "said before anything runs: " + result.err());
        assertEquals(before, storeContents(), "the store's own tables are untouched");
        assertEquals(0L, (long) db.sql().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'eventstore_bench'").mapTo(Long.class).one()),
                "its schema is dropped afterwards");
    }

    @Test
    void with_db_url_a_schema_of_that_name_already_there_is_refused_and_kept() {
        db.sql().useHandle(h -> h.execute("CREATE SCHEMA eventstore_bench"));
        try {
            Cli.Result result = new Cli(db.jdbcUrl()).run("bench", "--events", "199", "--quick");

            assertEquals(1, result.exit(), result.toString());
            assertEquals("eventstore: the database at --db-url has a schema eventstore_bench already: another bench "
                    + "is running on it, or one was killed before it cleaned up; when none runs, DROP SCHEMA "
                    + "eventstore_bench CASCADE\n", result.err());
            assertEquals(1L, (long) db.sql().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM pg_namespace WHERE nspname = 'eventstore_bench'").mapTo(Long.class).one()));
        } finally {
            db.sql().useHandle(h -> h.execute("DROP SCHEMA eventstore_bench"));
        }
    }

    /** Every event of the store's own events table, and the counts of its other tables. */
    private static String storeContents() {
        return db.sql().withHandle(h -> h.createQuery("""
                SELECT (SELECT string_agg(id || ' ' || user_uuid || ' ' || unique_id || ' ' || payload::text, E'\n'
                                          ORDER BY id) FROM eventstore.events)
                       || (SELECT count(*) FROM eventstore.snapshots) || ' ' || (SELECT count(*) FROM eventstore.rejected_events)
                """).mapTo(String.class).one());
    }

    /** Without --db-url: bench starts its own server. */
    private static Cli.Result bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli.Result(exit, out.toString(), err.toString());
    }

    private static void assertKeys(JsonNode node, String... keys) {
        for (String key : keys) {
            assertTrue(node.has(key), "no " + key + " in " + node);
        }
    }

    private static void assertPositive(JsonNode node, String... keys) {
        for (String key : keys) {
            assertTrue(node.has(key) && node.get(key).isNumber() && node.get(key).asDouble() > 0,
                    key + " in " + node);
        }
    }
}
