package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** global content: one row per object_uri, equal to an independent count of the stored events, after a forget too. */
class GlobalCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** started, completed, cancelled by object_uri, counted by SQL from the stored rows. */
    private static Map<String, List<Long>> counted() {
        Map<String, List<Long>> counts = new TreeMap<>();
        db.sql().useHandle(h -> h.createQuery("""
                        SELECT payload->'content'->>'object_uri',
                               count(*) FILTER (WHERE event_type = 'ContentPieceStarted'),
                               count(*) FILTER (WHERE event_type = 'ContentPieceCompleted'),
                               count(*) FILTER (WHERE event_type = 'ContentPieceCancelled')
                        FROM events GROUP BY 1""")
                .map((rs, ctx) -> counts.put(rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .list());
        return counts;
    }

    private JsonNode content(String... more) throws Exception {
        Cli.Result result = cli.run(more.length > 0 ? more : new String[] {"global", "content", "--format", "json"});
        assertEquals(0, result.exit(), result.toString());
        JsonNode line = mapper.readTree(result.out());
        assertEquals("content", line.get("projection").asText());
        assertTrue(line.get("position").asText().matches("\\d+\\.\\d+\\.\\d+"), result.out());
        return line;
    }

    private static Map<String, List<Long>> rows(JsonNode line) {
        Map<String, List<Long>> rows = new TreeMap<>();
        for (JsonNode row : line.get("view")) {
            rows.put(row.get("object_uri").asText(), List.of(row.get("started").asLong(),
                    row.get("completed").asLong(), row.get("cancelled").asLong()));
            double rate = row.get("completed").asDouble() / row.get("started").asDouble();
            assertEquals(row.get("started").asLong() == 0 ? null : rate,
                    row.get("completion_rate").isNull() ? null : row.get("completion_rate").asDouble());
        }
        return rows;
    }

    @Test
    void content_equals_an_independent_count_as_events_come_and_after_a_forget() throws Exception {
        assertEquals(0, cli.run("generate", "--users", "6", "--events", "3000", "--seed", "5").exit());
        assertEquals(counted(), rows(content()));

        assertEquals(0, cli.run("generate", "--users", "6", "--events", "3000", "--seed", "5").exit()); // duplicates
        assertEquals(0, cli.run("generate", "--users", "3", "--events", "500", "--seed", "9").exit());
        assertEquals(counted(), rows(content()));

        UUID user = db.sql().withHandle(h -> h.createQuery("SELECT user_uuid FROM events LIMIT 1")
                .mapTo(UUID.class).one());
        assertEquals(0, cli.run("forget", user.toString()).exit());
        Map<String, List<Long>> after = rows(content());
        assertEquals(counted(), after);

        Cli.Result rebuilt = cli.run("global", "--rebuild", "content", "--format", "json");
        assertEquals(0, rebuilt.exit(), rebuilt.toString());
        assertEquals(after, rows(mapper.readTree(rebuilt.out())));
        assertTrue(rebuilt.err().contains("rebuilding content: "), rebuilt.err());
    }

    @Test
    void an_unknown_name_is_a_usage_error_naming_the_known() {
        Cli.Result result = cli.run("global", "nosuch");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().startsWith("unknown global projection 'nosuch'; known: content"), result.err());
    }
}
