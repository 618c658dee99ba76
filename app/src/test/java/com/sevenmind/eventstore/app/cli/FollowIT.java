package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** follow in one process sees what import commits in another, and Ctrl-C ends it with exit code 0. */
class FollowIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String USER = "6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11";

    @TempDir
    Path dir;

    private static String event(String uniqueId, String type, String timestamp) {
        return "{\"event_type\":\"" + type + "\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + USER
                + "\",\"session_id\":\"s-1\",\"timestamp\":\"" + timestamp + "\",\"timezone\":\"Europe/Berlin\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}\n";
    }

    private static String lastLine(Path file, String containing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(file);
            if (!lines.isEmpty() && lines.get(lines.size() - 1).contains(containing)) {
                return lines.get(lines.size() - 1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line with " + containing + " in " + Files.readString(file));
    }

    @Test
    void follow_prints_again_when_another_process_imports_and_exits_0_on_ctrl_c() throws Exception {
        Path out = dir.resolve("follow.out");
        Path err = dir.resolve("follow.err");
        Process follow = new ProcessBuilder(JarRunner.commandTakingSigint(JarRunner.JAR.toString(), "--db-url",
                db.jdbcUrl(), "follow", USER, "--format", "json")).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            lastLine(out, "\"event_count\":0");
            // Started by a build that ignores SIGINT (run in the background of a script), follow would ignore Ctrl-C
            // too, as it must: the JVM refuses a handler for a signal ignored when it started.
            assertFalse(JarRunner.ignoresSigint(follow.pid()), "follow was started ignoring SIGINT");
            Path events = dir.resolve("events.jsonl");
            Files.writeString(events, event("e-1", "ContentPieceStarted", "2024-05-01T10:00:00Z")
                    + event("e-2", "ContentPieceCompleted", "2024-05-01T10:10:00Z"));

            Cli.Result imported = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "import",
                    events.toString());
            assertEquals(0, imported.exit(), imported.toString());

            String updated = lastLine(out, "\"event_count\":2");
            Cli.Result projected = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "project", USER,
                    "--format", "json");
            assertEquals(projected.out().strip(), updated);

            new ProcessBuilder("kill", "-INT", Long.toString(follow.pid())).start().waitFor();
            assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "follow ended on SIGINT");
            assertEquals(0, follow.exitValue());
            assertEquals("", Files.readString(err));
        } finally {
            follow.destroyForcibly();
        }
    }
}
