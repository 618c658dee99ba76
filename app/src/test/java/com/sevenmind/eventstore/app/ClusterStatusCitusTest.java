package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cluster status on a real Citus cluster (coordinator and two workers), then with a worker's server stopped. */
class ClusterStatusCitusTest {

    @RegisterExtension
    static final CitusTestCluster cluster = new CitusTestCluster();

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void shows_nodes_shards_and_distribution_and_fails_naming_a_worker_that_is_down() throws Exception {
        // Few shards, so that each worker surely holds some of each table; read when the tables are distributed.
        cluster.execute("ALTER DATABASE postgres SET citus.shard_count = 4");
        Cli cli = new Cli(cluster.jdbcUrl());
        Cli.Result generated = cli.run("generate", "--users", "20", "--events", "2000", "--seed", "3");
        assertEquals(0, generated.exit(), generated.toString());
        distributeByUser();

        Cli.Result json = cli.run("cluster", "status", "--format", "json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode status = mapper.readTree(json.out());
        assertTrue(status.get("citus").asBoolean(), json.out());
        assertTrue(status.get("citus_version").asText().startsWith("13."), json.out());
        assertEquals(4, status.get("events_shard_count").asLong(), json.out());
        JsonNode nodes = status.get("nodes");
        assertEquals(3, nodes.size(), json.out());
        long shards = 0;
        for (int node = 0; node <= CitusTestCluster.WORKERS; node++) {
            JsonNode n = nodes.get(node);
            assertEquals("localhost", n.get("host").asText());
            assertEquals(cluster.port(node), n.get("port").asInt());
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
        assertTrue(Pattern.compile("(?m)^localhost +" + cluster.port(0) + " +coordinator +yes +yes +0 +0$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^events +distributed by user_uuid, co-located with snapshots +4 +[0-9,]+$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^rejected_events +local \\(on the coordinator\\) +0 +[0-9,]+$")
                .matcher(text).find(), text);

        cluster.stop(2);
        Cli.Result down = cli.run("cluster", "status", "--format", "json");
        assertEquals(1, down.exit(), down.toString());
        assertEquals("eventstore: worker localhost:" + cluster.port(2) + " does not answer the coordinator (within "
                + ClusterStatus.CONNECT_TIMEOUT + "); its shards' users cannot be served\n", down.err());
        JsonNode after = mapper.readTree(down.out());
        JsonNode dead = after.get("nodes").get(2);
        assertTrue(!dead.get("reachable").asBoolean() && dead.get("bytes").isNull(), dead.toString());
        assertEquals(nodes.get(2).get("shards"), dead.get("shards"), "its shards are still placed there");
        JsonNode alive = after.get("nodes").get(1);
        assertTrue(alive.get("reachable").asBoolean() && alive.get("bytes").asLong() > 0, alive.toString());
        assertTrue(table(after, "events").get("bytes").isNull(), "some of its shards did not answer");
    }

    /**
     * Distributes events and snapshots by user as the store's Citus migration does, where this build's migrations
     * have not done it yet; a no-op where they have.
     */
    private static void distributeByUser() throws Exception {
        cluster.execute("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass) THEN
                        ALTER TABLE events DROP CONSTRAINT events_pkey;
                        ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id, user_uuid);
                        PERFORM create_distributed_table('events', 'user_uuid');
                        PERFORM truncate_local_data_after_distributing_table('events');
                        PERFORM create_distributed_table('snapshots', 'user_uuid', colocate_with => 'events');
                    END IF;
                END
                $$""");
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
