package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** project through the snapshot cache, and the snapshots command, from the command line. */
class SnapshotsCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @Test
    void project_saves_snapshots_that_later_projects_continue_and_snapshots_shows_and_drops_them() throws Exception {
        Cli.Result generated = cli.run("generate", "--users", "3", "--events", "3000", "--seed", "5", "--chaos",
                "--format", "json");
        assertEquals(0, generated.exit(), generated.toString());
        String user = mapper.readTree(generated.out()).get("main_characters").get(0).asText();
        String asOf = cli.run("project", user, "--format", "json", "--as-of", "2999-01-01T00:00:00Z").out();
        assertEquals("[]", cli.run("snapshots", "--format", "json").out().trim(), "an as-of read saves nothing");

        String first = cli.run("project", user, "--format", "json").out();
        JsonNode saved = mapper.readTree(cli.run("snapshots", "--user", user, "--format", "json").out());
        List<String> projections = new ArrayList<>();
        saved.forEach(s -> projections.add(s.get("projection").asText()));
        assertEquals(List.of("history", "lateness", "stats"), projections);
        long events = mapper.readTree(first).get("event_count").asLong();
        assertTrue(events > 1_000, "more than one save's worth: " + events);
        saved.forEach(s -> {
            assertEquals(events, s.get("event_count").asLong());
            // Each projection's version of its rules and state: History and Lateness save their states as bytes.
            assertEquals(Map.of("history", 2, "lateness", 2, "stats", 1).get(s.get("projection").asText()),
                    s.get("version").asInt());
            assertTrue(s.get("state_bytes").asLong() > 0);
        });

        assertEquals(first, cli.run("project", user, "--format", "json").out());
        assertEquals(withoutAsOf(asOf), withoutAsOf(first));
        String text = cli.run("snapshots").out();
        assertTrue(text.startsWith("USER_ID"), text);
        assertTrue(text.contains(user + "  history"), text);

        assertEquals("{\"dropped\":3}", cli.run("snapshots", "--drop", "--user", user, "--format", "json").out().trim());
        assertEquals("[]", cli.run("snapshots", "--format", "json").out().trim());
        assertEquals(first, cli.run("project", user, "--format", "json").out());
    }

    private String withoutAsOf(String json) throws Exception {
        return ((ObjectNode) mapper.readTree(json)).without("as_of").toString();
    }
}
