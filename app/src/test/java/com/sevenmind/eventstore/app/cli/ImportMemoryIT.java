package com.sevenmind.eventstore.app.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * import of nothing but bad lines, in a child JVM with a heap smaller than what those lines come to: they go to the
 * quarantine as they come instead of waiting in memory for valid events that never come.
 */
class ImportMemoryIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** A file of {@code lines} lines, each {@code line} repeated {@code repeat} times. */
    private Path file(int lines, String line, int repeat) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        byte[] bytes = (line.repeat(repeat) + "\n").getBytes(UTF_8);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int i = 0; i < lines; i++) {
                out.write(bytes);
            }
        }
        return file;
    }

    private static Cli.Result importInHeap(String megabytes, Path file) throws Exception {
        List<String> command = JarRunner.command(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "import",
                file.toString());
        command.add(1, "-Xmx" + megabytes + "m");
        return JarRunner.run(command);
    }

    @Test
    void a_hundred_and_fifty_invalid_lines_of_a_megabyte_are_all_quarantined_in_96_mb_of_heap() throws Exception {
        Cli.Result result = importInHeap("96", file(150, "x", 1_000_000));

        assertEquals(3, result.exit(), result.err().lines().limit(5).toList().toString());
        assertEquals("read 150, stored 0, duplicates 0, rejected 150, conflicts 0, skipped 0\n", result.out());
        assertEquals(150, db.database().quarantine().count());
        List<String> errors = result.err().lines().toList();
        assertEquals(150, errors.size());
        assertTrue(errors.stream().allMatch(l -> l.matches("line \\d+: not valid JSON at column 1: .*")),
                errors.get(0));
    }

    @Test
    void three_hundred_thousand_one_character_lines_are_all_quarantined_in_64_mb_of_heap() throws Exception {
        Cli.Result result = importInHeap("64", file(300_000, "x", 1));

        assertEquals(3, result.exit(), result.err().lines().limit(5).toList().toString());
        assertEquals("read 300,000, stored 0, duplicates 0, rejected 300,000, conflicts 0, skipped 0\n",
                result.out());
        assertEquals(300_000, db.database().quarantine().count());
    }
}
