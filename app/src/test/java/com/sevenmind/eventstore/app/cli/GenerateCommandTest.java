package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void chaos_written_to_a_file_and_imported_projects_exactly_like_chaos_appended_directly(@TempDir Path dir)
            throws Exception {
        db.clear();
        String[] settings = {"--users", "4", "--main-characters", "1", "--events", "6000", "--seed", "11", "--chaos"};
        Cli.Result appended = cli.run(concat(new String[] {"generate", "--format", "json"}, settings));
        assertEquals(0, appended.exit(), appended.toString());
        JsonNode summary = mapper.readTree(appended.out());
        assertTrue(summary.get("duplicates").asLong() > 0, "re-deliveries are reported as duplicates");
        assertEquals(6000, summary.get("stored").asLong(), "every distinct event is stored once");
        String main = summary.get("main_characters").get(0).asText();
        JsonNode direct = mapper.readTree(cli.run("project", main, "--format", "json").out()).get("projections");

        Path file = dir.resolve("chaos.jsonl");
        Cli.Result written = cli.run(concat(new String[] {"generate", "--out", file.toString()}, settings));
        assertEquals(0, written.exit(), written.toString());
        List<String> lines = Files.readAllLines(file);
        assertEquals(summary.get("generated").asLong(), lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*\"timestamp\":\"[^\"]*[+-]\\d\\d:\\d\\d\".*")),
                "some timestamps are written with an offset");
        db.clear();
        Cli.Result imported = cli.run("import", file.toString());
        assertEquals(0, imported.exit(), imported.toString());

        assertTrue(direct.equals(mapper.readTree(cli.run("project", main, "--format", "json").out())
                .get("projections")), "the same projections either way");
        JsonNode history = direct.get("history");
        String anomalies = history.get("sessions").findValues("anomalies").toString();
        for (String anomaly : List.of("missing_start", "multiple_ends", "ended_before_start")) {
            assertTrue(anomalies.contains(anomaly), anomaly + " in the scrambled history");
        }
    }

    @Test
    void a_knob_out_of_range_is_a_usage_error_that_names_it() {
        Cli.Result result = cli.run("generate", "--chaos", "--extra-end", "1.5");

        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith("extra-end must be between 0 and 1, was 1.5"), result.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
