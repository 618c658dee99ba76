package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GenerateCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @Test
    void generate_appends_the_requested_events_and_names_the_main_characters() throws Exception {
        Cli.Result result = cli.run("generate", "--users", "5", "--main-characters", "2", "--events", "2030",
                "--seed", "7", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode summary = mapper.readTree(result.out());
        assertEquals(2030, summary.get("generated").asInt());
        assertEquals(2030, summary.get("stored").asInt());
        assertEquals(2, summary.get("main_characters").size());
        UUID main = UUID.fromString(summary.get("main_characters").get(0).asText());
        JsonNode projected = mapper.readTree(cli.run("project", main.toString(), "--format", "json").out());
        assertEquals(1000, projected.get("event_count").asInt(), "weights 100, 100, 1, 1, 1 of 2,030 events");

        JsonNode again = mapper.readTree(cli.run("generate", "--users", "5", "--main-characters", "2",
                "--events", "2030", "--seed", "7", "--format", "json").out());
        assertEquals(0, again.get("stored").asInt(), "the same seed gives the same events: all duplicates");
        assertEquals(2030, again.get("duplicates").asInt());
    }

    @Test
    void generate_refuses_impossible_settings_as_a_usage_error() {
        Cli.Result result = cli.run("generate", "--users", "2", "--main-characters", "3");

        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith("main characters (3) cannot exceed users (2)"), result.err());
    }
}
