package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's owner names how to share its server; a sharer gets in only with the password file, and
 * when the owner exits mid-import the sharer stops with one line saying the database went away.
 */
class SharedServerIT {

    private static final Pattern SHARE = Pattern.compile(
            "EVENTSTORE_DB_PASSWORD=\"\\$\\(cat (\\S+)\\)\" and --db-url '(jdbc:postgresql://localhost:\\d+/postgres"
                    + "\\?user=postgres)'");

    @TempDir
    Path dir;

    @Test
    void a_sharer_needs_the_password_and_stops_with_one_line_when_the_owner_exits() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Cli.Result generated = JarRunner.run(JarRunner.JAR.toString(), "generate", "--users", "20", "--events",
                "400000", "--seed", "5", "--out", file.toString());
        assertEquals(0, generated.exit(), generated.toString());
        Path data = dir.resolve("data");
        try (ServeProcess owner = ServeProcess.start(data, dir.resolve("owner.err"))) {
            Cli.Result refused = JarRunner.run(JarRunner.JAR.toString(), "--data-dir", data.toString(), "users");
            assertEquals(1, refused.exit(), refused.toString());
            Matcher share = SHARE.matcher(refused.err());
            assertTrue(share.find(), refused.err());
            assertEquals(data.resolve("pg-password").toString(), share.group(1));
            String url = share.group(2);

            Cli.Result withoutPassword = JarRunner.run(JarRunner.JAR.toString(), "--db-url", url, "users");
            assertEquals("eventstore: cannot connect to PostgreSQL at " + url + ": The server requested SCRAM-based "
                    + "authentication, but no password was provided.\n", withoutPassword.err());

            String password = Files.readString(Path.of(share.group(1))).strip();
            ProcessBuilder sharer = new ProcessBuilder(JarRunner.command(JarRunner.JAR.toString(), "--db-url", url,
                    "import", file.toString())).redirectError(dir.resolve("sharer.err").toFile())
                    .redirectOutput(dir.resolve("sharer.out").toFile());
            sharer.environment().put("EVENTSTORE_DB_PASSWORD", password);
            Process importing = sharer.start();
            Thread.sleep(4_000);
            assertTrue(importing.isAlive(), "still importing when the owner exits");

            owner.stop();

            assertTrue(importing.waitFor(30, TimeUnit.SECONDS), "the sharer ends");
            List<String> errors = Files.readAllLines(dir.resolve("sharer.err")).stream()
                    .filter(l -> l.startsWith("eventstore:") || l.contains("Exception") || l.startsWith("\tat ")).toList();
            assertEquals(1, importing.exitValue(), String.join("\n", errors));
            assertEquals(1, errors.size(), String.join("\n", errors));
            assertTrue(errors.get(0).startsWith("eventstore: database error at " + url + ": the database went away: "), errors.get(0));
            assertFalse(errors.get(0).contains(password));
            assertFalse(errors.get(0).endsWith(": null"), errors.get(0));
            System.out.println(errors.get(0));
        }
    }
}
