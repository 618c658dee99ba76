package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** import killed with SIGKILL in the middle, then run again, stores exactly the file's distinct events, once each. */
class KilledImportIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void an_import_killed_mid_way_and_run_again_stores_every_distinct_event_once() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Cli.Result generated = JarRunner.run(JarRunner.JAR.toString(), "generate", "--users", "20", "--events",
                "150000", "--seed", "3", "--chaos", "--out", file.toString());
        assertEquals(0, generated.exit(), generated.toString());
        Set<String> distinct = new HashSet<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            JsonNode event = mapper.readTree(line);
            distinct.add(event.get("user_id").asText() + "/" + event.get("unique_id").asText());
        }
        assertTrue(lines.size() > distinct.size(), "the file re-delivers some events");

        Process first = new ProcessBuilder(JarRunner.command(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(),
                "import", file.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (db.store().count() < 20_000 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
        long atKill = db.store().count();
        assertTrue(atKill > 0 && atKill < distinct.size(), "killed in the middle: " + atKill + " stored");

        Cli.Result rerun = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "import",
                file.toString(), "--format", "json");

        assertEquals(0, rerun.exit(), rerun.toString());
        JsonNode summary = mapper.readTree(rerun.out());
        assertEquals(distinct.size() - atKill, summary.get("stored").asLong(), "the rest, and nothing twice");
        Set<String> stored = new HashSet<>(db.sql().withHandle(h ->
                h.createQuery("SELECT user_uuid || '/' || unique_id FROM events").mapTo(String.class).list()));
        assertEquals(distinct, stored);
        assertEquals(distinct.size(), db.store().count());
    }
}
