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
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** export, forget and the quarantine's rejected command, from the command line. */
class UserDataCommandsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        db.clear();
    }

    private String mainCharacter() throws Exception {
        Cli.Result generated = cli.run("generate", "--users", "3", "--events", "3000", "--seed", "9", "--chaos",
                "--format", "json");
        assertEquals(0, generated.exit(), generated.toString());
        return mapper.readTree(generated.out()).get("main_characters").get(0).asText();
    }

    @Test
    void export_then_import_into_an_empty_store_gives_the_same_stream() throws Exception {
        String user = mainCharacter();
        Cli.Result exported = cli.run("export", user, "--format", "jsonl");
        assertEquals(0, exported.exit(), exported.toString());
        JsonNode before = mapper.readTree(cli.run("project", user, "--format", "json").out()).get("projections");
        Path file = dir.resolve("export.jsonl");
        Files.writeString(file, exported.out());

        db.clear();
        Cli.Result imported = cli.run("import", file.toString());

        assertEquals(0, imported.exit(), imported.toString());
        assertEquals(exported.out(), cli.run("export", user).out());
        assertEquals(before, mapper.readTree(cli.run("project", user, "--format", "json").out()).get("projections"));
        assertTrue(exported.out().lines().count() > 2_000);
    }

    @Test
    void forget_deletes_a_users_events_and_says_how_many() throws Exception {
        String user = mainCharacter();
        long events = mapper.readTree(cli.run("project", user, "--format", "json").out()).get("event_count").asLong();

        Cli.Result forgotten = cli.run("forget", user, "--format", "json");

        assertEquals(0, forgotten.exit(), forgotten.toString());
        assertEquals(mapper.readTree("{\"events_deleted\":" + events + ",\"rejected_deleted\":0}"),
                mapper.readTree(forgotten.out()));
        assertEquals(0, mapper.readTree(cli.run("project", user, "--format", "json").out()).get("event_count").asInt());
    }

    @Test
    void rejected_lists_the_quarantine_and_retry_stores_what_can_now_be_stored() throws Exception {
        String user = "12121212-1212-4121-8121-121212121212";
        String original = line(user, "m-1", "2024-05-01T10:00:00Z");
        String changed = line(user, "m-1", "2024-05-01T10:00:05Z");
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(original, changed, "{\"event_type\":"));
        assertEquals(3, cli.run("import", file.toString()).exit());

        Cli.Result listed = cli.run("rejected", "--format", "json");
        assertEquals(0, listed.exit(), listed.toString());
        List<JsonNode> rows = listed.out().lines().map(l -> {
            try {
                return mapper.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).sorted(Comparator.comparingInt(r -> r.get("line").asInt())).toList();
        assertEquals(2, rows.size());
        assertEquals("conflict", rows.get(0).get("reason").asText());
        assertEquals(changed, rows.get(0).get("input").asText());
        assertEquals(2, rows.get(0).get("line").asInt());
        assertEquals("native", rows.get(0).get("input_format").asText());
        assertTrue(rows.get(1).get("reason").asText().startsWith("not valid JSON"), rows.get(1).toString());
        assertEquals(0, cli.run("rejected", "--since", "2999-01-01T00:00:00Z", "--format", "json").out().length());

        // The fix: the first delivery was wrong and is removed; the second may now take its place.
        db.sql().useHandle(h -> h.execute("DELETE FROM events WHERE unique_id = 'm-1'"));
        Cli.Result retried = cli.run("rejected", "--retry", "--format", "json");

        assertEquals(0, retried.exit(), retried.toString());
        assertEquals(mapper.readTree("""
                {"retried":2,"stored":1,"duplicates":0,"skipped":0,"conflicts":0,"still_rejected":1}"""),
                mapper.readTree(retried.out()));
        assertEquals(1, db.database().quarantine().count(), "the bad JSON stays");
        assertTrue(cli.run("export", user).out().contains("2024-05-01T10:00:05Z"));
    }

    private static String line(String user, String uniqueId, String timestamp) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + user
                + "\",\"session_id\":\"s\",\"timestamp\":\"" + timestamp + "\",\"timezone\":\"Europe/Berlin\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/a/recording/b\"}";
    }
}
