package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, run from the shaded jar on a fresh embedded PostgreSQL, twice on the same directory. */
class DemoIT {

    @TempDir
    Path dataDir;

    @Test
    void demo_stores_the_reference_data_set_and_prints_the_main_characters_stats_then_a_rerun_stores_nothing()
            throws Exception {
        Cli.Result first = JarRunner.run(JarRunner.JAR.toString(), "--data-dir", dataDir.toString(), "demo");

        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("199,000 stored, 0 duplicates"), first.out());
        assertTrue(first.out().contains("100,000 events through stats"), first.out());
        long started = figure(first.out(), "started_count");
        long cancelled = figure(first.out(), "cancelled_count");
        long completed = figure(first.out(), "completed_count");
        assertEquals(100_000, started + cancelled + completed);
        assertEquals(47.1, started / 1000.0, 1.0);
        assertEquals(30.7, cancelled / 1000.0, 1.0);
        assertEquals(22.2, completed / 1000.0, 1.0);

        Cli.Result second = JarRunner.run(JarRunner.JAR.toString(), "--data-dir", dataDir.toString(), "demo");

        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("0 stored, 199,000 duplicates"), second.out());
        assertEquals(started, figure(second.out(), "started_count"));
    }

    private static long figure(String out, String name) {
        Matcher m = Pattern.compile(name + "\\s+([\\d,]+)").matcher(out);
        assertTrue(m.find(), name + " in " + out);
        return Long.parseLong(m.group(1).replace(",", ""));
    }
}
