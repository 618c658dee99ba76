package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.Mutations;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of mutated lines through import, in both input formats: no crash, no stack trace, and every line is
 * accounted for: stored, a duplicate, skipped, or kept in the quarantine.
 */
class ImportFuzzTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void mutated_native_lines_are_each_stored_or_quarantined() throws Exception {
        fuzz("native", nativeLines(), 1);
    }

    @Test
    void mutated_rudderstack_lines_are_each_stored_skipped_or_quarantined() throws Exception {
        fuzz("rudderstack", rudderStackLines(), 2);
    }

    private void fuzz(String format, List<String> valid, long seed) throws Exception {
        db.clear();
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String line = valid.get(random.nextInt(valid.size()));
            lines.add(random.nextInt(4) == 0 ? line : Mutations.mutate(line, random));
        }
        Path file = dir.resolve(format + ".jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        long blank = lines.stream().filter(String::isBlank).count();

        Cli.Result result = new Cli(db.jdbcUrl()).run("import", file.toString(), "--format", format,
                "--format", "json");

        assertTrue(result.exit() == 0 || result.exit() == 3, result.toString());
        assertFalse(result.err().contains("\tat "), "no stack trace");
        JsonNode s = mapper.readTree(result.out());
        assertEquals(lines.size() - blank, s.get("read").asLong());
        assertEquals(s.get("read").asLong(), s.get("stored").asLong() + s.get("duplicates").asLong()
                + s.get("rejected").asLong() + s.get("conflicts").asLong() + s.get("skipped").asLong());
        assertEquals(s.get("stored").asLong(), db.store().count());
        assertEquals(s.get("rejected").asLong(), result.err().lines().filter(l -> l.startsWith("line ")).count());
        assertTrue(s.get("rejected").asLong() > 500, "the mutations found the error paths");
        long quarantined = db.sql().withHandle(h ->
                h.createQuery("SELECT count(DISTINCT line) FROM rejected_events").mapTo(Long.class).one());
        assertEquals(s.get("rejected").asLong() + s.get("conflicts").asLong(), quarantined,
                "every rejected or conflicting line is in the quarantine");
    }

    private static List<String> nativeLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add("{\"event_type\":\"" + (i % 3 == 0 ? "ContentPieceStarted" : i % 3 == 1 ? "ContentPieceCompleted"
                    : "ContentPieceCancelled") + "\",\"unique_id\":\"u" + i + "\",\"user_id\":\"3c4b0a2e-1d2f-4a5b-"
                    + "8c7d-" + String.format("%012d", i % 7) + "\",\"session_id\":\"s" + i / 2 + "\",\"timestamp\":"
                    + "\"2024-05-01T10:" + String.format("%02d", i) + ":00.5+02:00\",\"timezone\":\"Europe/Berlin\","
                    + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/a" + i % 5 + "/recording/b\""
                    + (i % 3 == 0 ? "" : ",\"position_seconds\":" + i * 3.5) + "}");
        }
        return lines;
    }

    private static List<String> rudderStackLines() {
        List<String> lines = new ArrayList<>();
        String[] names = {"Content Piece Started", "Content Piece Completed", "Content Piece Cancelled",
                "Application Opened"};
        for (int i = 0; i < 50; i++) {
            lines.add("{\"type\":\"" + (i % 10 == 9 ? "identify" : "track") + "\",\"event\":\"" + names[i % 4]
                    + "\",\"userId\":\"3c4b0a2e-1d2f-4a5b-8c7d-" + String.format("%012d", i % 7) + "\",\"messageId\":"
                    + "\"m" + i + "\",\"timestamp\":\"2024-05-01T10:" + String.format("%02d", i) + ":00Z\","
                    + "\"context\":{\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\"},\"properties\":{"
                    + "\"session_id\":\"s" + i / 2 + "\",\"object_uri\":\"sevenmind://content/course/c/item/i/"
                    + "recording/r" + i % 3 + "\"}}");
        }
        return lines;
    }
}
