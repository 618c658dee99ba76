package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * cluster on plain PostgreSQL (the embedded server): status says there is no cluster and succeeds; rebalance fails
 * saying why.
 */
class ClusterStatusTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final Cli cli = new Cli(db.jdbcUrl());

    @Test
    void plain_postgresql_is_not_a_citus_cluster() throws Exception {
        Cli.Result text = cli.run("cluster", "status");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().matches("not a Citus cluster: the database has no citus extension \\(PostgreSQL 1[0-9.]+"
                + "[^)]*\\); every table is on this one server\\R"), text.out());
        assertEquals("", text.err());

        Cli.Result json = cli.run("cluster", "status", "--format", "json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode status = Json.newObjectMapper().readTree(json.out());
        assertFalse(status.get("citus").asBoolean(), json.out());
        assertTrue(status.get("postgresql_version").asText().matches("1[0-9].*"), json.out());
        assertFalse(status.has("nodes"), json.out());
    }

    @Test
    void rebalance_without_citus_fails_with_one_line() {
        Cli.Result result = cli.run("cluster", "rebalance");

        assertEquals(1, result.exit(), result.toString());
        assertEquals("eventstore: not a Citus cluster: the database has no citus extension; there are no shards to "
                + "move\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void cluster_needs_a_subcommand_and_status_a_known_format() {
        Cli.Result bare = cli.run("cluster");
        assertEquals(2, bare.exit(), bare.toString());
        assertTrue(bare.err().contains("Missing command: one of [status, rebalance]"), bare.err());

        Cli.Result format = cli.run("cluster", "status", "--format", "xml");
        assertEquals(2, format.exit(), format.toString());
        assertTrue(format.err().contains("xml"), format.err());
    }
}
