package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.ClusterStatus;
import com.sevenmind.eventstore.store.TestDatabase;
import java.sql.Statement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.DriverManager;
import java.sql.Connection;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a real Citus cluster (coordinator and two workers), in order: bench --db-url; cluster status; a third worker
 * added and cluster rebalance; cluster status with a worker's server stopped (last: it is not started again).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCitusTest {

    /** 4 shards per table, so that each worker surely holds some of each. */
    @RegisterExtension
    static final TestDatabase db = TestDatabase.onCitus(4);

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    @Order(1)
    void bench_runs_through_the_coordinator_and_leaves_no_trace_on_any_node() throws Exception {
        Cli.Result result = new Cli(db.jdbcUrl()).run("bench", "--events", "199", "--quick", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode report = mapper.readTree(result.out());
        assertEquals(199, report.get("append").get("stored_total").asLong(), result.out());
        assertEquals(199, report.get("append").get("raw_copied").asLong(), result.out());
        assertEquals(100, report.get("project").get("main_user_events").asLong(), result.out());
        JsonNode status = report.get("cluster");
        assertTrue(status.get("citus").asBoolean(), status.toString());
        assertEquals(TestDatabase.CITUS_WORKERS + 1, status.get("nodes").size(), status.toString());
        assertEquals("PostgreSQL at --db-url, in schema eventstore_bench:", report.get("server").asText());
        for (int node = 0; node <= TestDatabase.CITUS_WORKERS; node++) {
            assertEquals(0, query(node, "SELECT count(*) FROM pg_namespace WHERE nspname = 'eventstore_bench'"),
                    "the schema is gone from node " + node);
            assertEquals(0, query(node, "SELECT count(*) FROM pg_class WHERE relname LIKE 'events%raw%'"),
                    "no raw table or shard of bench is left on node " + node);
        }
    }

    @Test
    @Order(2)
    void shows_nodes_shards_and_distribution() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        Cli.Result generated = cli.run("generate", "--users", "20", "--events", "2000", "--seed", "3");
        assertEquals(0, generated.exit(), generated.toString());

        Cli.Result json = cli.run("cluster", "status", "--format", "json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode status = mapper.readTree(json.out());
        assertTrue(status.get("citus").asBoolean(), json.out());
        assertTrue(status.get("citus_version").asText().startsWith("13."), json.out());
        assertEquals(4, status.get("events_shard_count").asLong(), json.out());
        JsonNode nodes = status.get("nodes");
        assertEquals(3, nodes.size(), json.out());
        long shards = 0;
        for (int node = 0; node <= TestDatabase.CITUS_WORKERS; node++) {
            JsonNode n = nodes.get(node);
            assertEquals("localhost", n.get("host").asText());
            assertEquals(db.nodePort(node), n.get("port").asInt());
            assertEquals(node == 0 ? "coordinator" : "worker", n.get("role").asText());
            assertTrue(n.get("active").asBoolean() && n.get("reachable").asBoolean(), n.toString());
            assertEquals(node == 0, n.get("shards").asLong() == 0, "the workers hold the shards: " + n);
            assertEquals(node == 0, n.get("bytes").asLong() == 0, n.toString());
            shards += n.get("shards").asLong();
        }
        assertEquals(8, shards, "events and snapshots, 4 shards each: " + nodes);
        JsonNode events = table(status, "events");
        assertEquals("distributed", events.get("distribution").asText());
        assertEquals("user_uuid", events.get("distribution_column").asText());
        assertEquals("snapshots", events.get("colocated_with").asText());
        assertEquals(4, events.get("shards").asLong());
        assertTrue(events.get("bytes").asLong() > 0, events.toString());
        assertEquals("events", table(status, "snapshots").get("colocated_with").asText());
        JsonNode rejected = table(status, "rejected_events");
        assertEquals("local", rejected.get("distribution").asText());
        assertTrue(rejected.get("distribution_column").isNull(), rejected.toString());
        assertEquals(0, rejected.get("shards").asLong());

        String text = cli.run("cluster", "status").out();
        assertTrue(text.startsWith("Citus 13."), text);
        assertTrue(text.contains("events in 4 shards"), text);
        assertTrue(Pattern.compile("(?m)^localhost +" + db.nodePort(0) + " +coordinator +yes +yes +0 +0$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^events +distributed by user_uuid, co-located with snapshots +4 +[0-9,]+$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^rejected_events +local \\(on the coordinator\\) +0 +[0-9,]+$")
                .matcher(text).find(), text);
    }

    @Test
    @Order(3)
    void rebalance_moves_shards_to_an_added_worker_and_every_event_stays_stored_once() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        String users = cli.run("users", "--top", "100", "--format", "json").out();
        int port = db.extraWorker();
        db.sql().useHandle(h -> h.execute("SELECT citus_add_node('localhost', " + port + ")"));
        JsonNode added = mapper.readTree(cli.run("cluster", "status", "--format", "json").out()).get("nodes").get(3);
        assertEquals(port, added.get("port").asInt(), added.toString());
        assertEquals(0, added.get("shards").asLong(), "a worker added holds nothing yet: " + added);

        Cli.Result rebalanced = cli.run("cluster", "rebalance");

        assertEquals(0, rebalanced.exit(), rebalanced.toString());
        assertTrue(rebalanced.out().matches("moved [1-9][0-9]* shard groups in [0-9.]+ s \\(Citus job [0-9]+\\); "
                + "see cluster status\\R"), rebalanced.out());
        JsonNode nodes = mapper.readTree(cli.run("cluster", "status", "--format", "json").out()).get("nodes");
        long shards = 0;
        for (JsonNode n : nodes) {
            shards += n.get("shards").asLong();
        }
        assertEquals(8, shards, "every shard placed once: " + nodes);
        assertTrue(nodes.get(3).get("shards").asLong() > 0, "the new worker holds shards: " + nodes);
        assertEquals(users, cli.run("users", "--top", "100", "--format", "json").out(), "every event, once");
        Cli.Result again = cli.run("cluster", "rebalance", "--format", "json");
        assertEquals(0, again.exit(), again.toString());
        assertEquals("{\"job_id\":null,\"moves\":0,\"seconds\":0.0}", again.out().strip());
    }

    @Test
    @Order(4)
    void status_fails_naming_a_worker_that_is_down() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        JsonNode nodes = mapper.readTree(cli.run("cluster", "status", "--format", "json").out()).get("nodes");
        db.stopNode(2);
        try {
            Cli.Result down = cli.run("cluster", "status", "--format", "json");
            assertEquals(1, down.exit(), down.toString());
            assertEquals("eventstore: worker localhost:" + db.nodePort(2) + " does not answer the coordinator (within "
                    + ClusterStatus.CONNECT_TIMEOUT + "); its shards' users cannot be served\n", down.err());
            JsonNode after = mapper.readTree(down.out());
            JsonNode dead = after.get("nodes").get(2);
            assertTrue(!dead.get("reachable").asBoolean() && dead.get("bytes").isNull(), dead.toString());
            assertEquals(nodes.get(2).get("shards"), dead.get("shards"), "its shards are still placed there");
            JsonNode alive = after.get("nodes").get(1);
            assertTrue(alive.get("reachable").asBoolean() && alive.get("bytes").asLong() > 0, alive.toString());
            assertTrue(table(after, "events").get("bytes").isNull(), "some of its shards did not answer");
        } finally {
            db.startNode(2);
        }
    }

    /** The first column of the first row of {@code sql} on node {@code node} (0 the coordinator), as a number. */
    private static long query(int node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.nodeJdbcUrl(node)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode table(JsonNode status, String name) {
        for (JsonNode t : status.get("tables")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + name + " in " + status);
    }
}
