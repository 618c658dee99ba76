package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** db status on a Citus cluster: each table's distribution, as cluster status reads it. */
class DbCitusTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.onCitus(4);

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void status_shows_how_each_table_is_distributed() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        assertEquals(0, cli.run("generate", "--users", "4", "--events", "200", "--seed", "5").exit());

        Cli.Result json = cli.run("db", "status", "--format", "json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode status = mapper.readTree(json.out());
        assertTrue(status.get("citus").asBoolean(), json.out());
        assertEquals("13", status.get("schema_version").asText());
        JsonNode events = table(status, "events");
        assertEquals("distributed", events.get("distribution").asText());
        assertEquals("user_uuid", events.get("distribution_column").asText());
        assertEquals("snapshots", events.get("colocated_with").asText());
        assertEquals(4, events.get("shards").asLong());
        assertTrue(events.get("bytes").asLong() > 0, events.toString());
        assertTrue(events.get("rows_estimate").isNull(), "the coordinator holds no rows of it: " + events);
        JsonNode rejected = table(status, "rejected_events");
        assertEquals("local", rejected.get("distribution").asText());
        assertEquals(0, rejected.get("rows_estimate").asLong(), rejected.toString());

        String text = cli.run("db", "status").out();
        assertTrue(Pattern.compile("(?m)^events +unknown +[\\d,]+  distributed by user_uuid, co-located with "
                + "snapshots$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^rejected_events +0 +[\\d,]+  local \\(on the coordinator\\)$")
                .matcher(text).find(), text);
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
